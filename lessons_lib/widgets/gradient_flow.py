"""Work in progress."""


def gradient_flow_explorer(*args, **kwargs):
    raise NotImplementedError("being written")
