"""Base: config, the exception tree, time rules, TLS and the shared morphology analyser.

Imported by every other package; imports none of them.
"""
