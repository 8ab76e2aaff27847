"""Exercise checks, one ``check_<name>(answer)`` per exercise (convention: notebook 02, and _feedback.py).

A check prints what was expected, what came and a hint, and returns True/False; it never raises on
a wrong answer, only on misuse.
"""
