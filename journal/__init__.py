"""Journal: the SQLModel tables and the register of received appeals (regulation 2.5, 3.1, 3.8)."""
