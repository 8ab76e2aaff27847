"""Input checks shared by the cells: clear ``ValueError`` messages instead of numpy broadcasting errors.

Every message names what was expected and what was given, e.g.
``xs must have shape (T, B, I=3) (time-major); got (5, 4, 2)``.
"""
from __future__ import annotations

import numbers

import numpy as np


def check_int(name: str, value, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` if it is an integer (not a bool) >= ``minimum``; else a clear ``ValueError``."""
    wanted = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be {wanted}; got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be {wanted}; got {value!r}")
    return int(value)


def as_float_array(name: str, value) -> np.ndarray:
    """Return ``value`` as a numpy array, refusing integer, boolean and object data."""
    if hasattr(value, "detach"):  # a torch tensor slipped in: say so plainly
        raise ValueError(f"{name} must be a numpy array; got a torch tensor (use .detach().numpy())")
    array = np.asarray(value)
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(
            f"{name} must have a floating dtype (float32 or float64); got dtype {array.dtype}"
        )
    return array


def check_ndim(name: str, array: np.ndarray, ndim: int, layout: str) -> None:
    """Require ``array.ndim == ndim``; ``layout`` names the axes, e.g. ``'(T, B, I)'``."""
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D with shape {layout}; got {array.ndim}-D shape {array.shape}")


def check_shape(name: str, array: np.ndarray, expected: tuple, layout: str) -> None:
    """Require an exact shape; ``layout`` spells the expected axes with their sizes."""
    check_ndim(name, array, len(expected), layout)
    if array.shape != tuple(expected):
        raise ValueError(f"{name} must have shape {layout} = {tuple(expected)}; got {array.shape}")


def check_same_dtype(name: str, array: np.ndarray, dtype: np.dtype) -> None:
    """Refuse silent float32/float64 mixing (numpy would promote without telling you)."""
    if array.dtype != dtype:
        raise ValueError(
            f"{name} has dtype {array.dtype} but the parameters are {dtype}; "
            f"convert one of them, e.g. {name}.astype(np.{np.dtype(dtype).name})"
        )


def check_sequence(xs, input_size: int, dtype: np.dtype) -> np.ndarray:
    """Validate a time-major input sequence ``xs`` of shape ``(T, B, I)``; return it as an array."""
    xs = as_float_array("xs", xs)
    if xs.ndim != 3:
        raise ValueError(
            f"xs must be 3-D with shape (T, B, I={input_size}) (time-major); got {xs.ndim}-D shape {xs.shape}"
            + (" -- add a batch axis, e.g. xs[:, None, :]" if xs.ndim == 2 else "")
        )
    T, B, I = xs.shape
    if I != input_size:
        raise ValueError(f"xs must have shape (T, B, I={input_size}); got {xs.shape} (I={I})")
    if T == 0 or B == 0:
        raise ValueError(f"xs must have at least one time step and one batch element; got shape {xs.shape}")
    check_same_dtype("xs", xs, dtype)
    return xs


def check_state(name: str, state, batch: int, hidden_size: int, dtype: np.dtype) -> np.ndarray:
    """Validate a state (``h0``, ``c0``, ``h_prev`` ...) of shape ``(B, H)``; return it as an array."""
    state = as_float_array(name, state)
    check_shape(name, state, (batch, hidden_size), f"(B={batch}, H={hidden_size})")
    check_same_dtype(name, state, dtype)
    return state


def check_step_input(x, input_size: int, dtype: np.dtype) -> np.ndarray:
    """Validate one time step's input ``x`` of shape ``(B, I)``."""
    x = as_float_array("x", x)
    if x.ndim != 2 or x.shape[1] != input_size:
        raise ValueError(f"x must have shape (B, I={input_size}); got {x.shape}")
    check_same_dtype("x", x, dtype)
    return x


def check_grad_sequence(dhs, expected_shape: tuple, dtype: np.dtype) -> np.ndarray:
    """Validate ``dhs`` (dL/dhs) against the forward pass's ``hs`` shape ``(T, B, H)``."""
    dhs = as_float_array("dhs", dhs)
    T, B, H = expected_shape
    check_shape("dhs", dhs, expected_shape, f"(T={T}, B={B}, H={H}), the shape of hs")
    check_same_dtype("dhs", dhs, dtype)
    return dhs


def check_params_block(cls_name: str, arrays: dict[str, np.ndarray], expected: dict[str, tuple]) -> None:
    """Check that parameter arrays have consistent shapes and one floating dtype.

    ``expected`` maps each field to its expected shape, written from the sizes inferred
    from the first weight matrix.
    """
    dtypes = {a.dtype for a in arrays.values()}
    for field, array in arrays.items():
        if array.shape != expected[field]:
            raise ValueError(
                f"{cls_name}.{field} has shape {array.shape}, inconsistent with the other parameters: "
                f"expected {expected[field]}"
            )
    if len(dtypes) != 1:
        listed = ", ".join(f"{k}: {a.dtype}" for k, a in arrays.items())
        raise ValueError(f"{cls_name} parameters must share one dtype; got {listed}")
