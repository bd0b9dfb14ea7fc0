"""Pure-Python scoring: regulations' arithmetic over plain data, no ORM."""
