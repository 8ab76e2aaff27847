"""Work in progress."""


def gate_explorer(*args, **kwargs):
    raise NotImplementedError("being written")
