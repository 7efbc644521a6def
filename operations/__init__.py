"""Operations: what staff do to an appeal (assign, status, reply, close, measures, reports),
one function each; the CLI and the web desk are thin adapters over them.
"""
