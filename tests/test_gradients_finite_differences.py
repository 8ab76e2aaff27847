"""Every analytical gradient against central finite differences (relative error < 1e-6, float64)."""
import numpy as np
import pytest

from cells import CELLS, random_torch_module
from lessons_lib.gradcheck import numerical_gradient, relative_error


@pytest.mark.parametrize("cell", CELLS, ids=[c.name for c in CELLS])
@pytest.mark.parametrize("T,B,I,H", [(1, 1, 1, 1), (5, 2, 3, 4), (9, 1, 2, 3)])
def test_every_gradient_matches_finite_differences(cell, T, B, I, H):
    rng = np.random.default_rng(5)
    params = cell.params_cls.from_torch(random_torch_module(cell, I, H, seed=3))
    xs = rng.standard_normal((T, B, I))
    states = cell.states(B, H, rng)
    G, Gc = rng.standard_normal((T, B, H)), rng.standard_normal((B, H))
    analytic = cell.backward(xs, states, params, G, Gc)
    loss = lambda: cell.loss(xs, states, params, G, Gc)
    targets = {f: getattr(params, f) for f in cell.param_fields}
    targets["xs"], targets["h0"] = xs, states[0]
    if cell.has_cell_state:
        targets["c0"] = states[1]
    assert set(targets) == set(analytic)
    for name, array in targets.items():
        numeric = numerical_gradient(loss, array, eps=1e-6)
        error = relative_error(analytic[name], numeric)
        assert error < 1e-6, f"{cell.name} {name}: relative error {error:.2e}"


def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda: np.sum(x ** 3), x)
    np.testing.assert_allclose(grad, 3 * x ** 2, rtol=1e-8)
    np.testing.assert_array_equal(x, [[1.0, -2.0], [0.5, 3.0]])  # restored after perturbing


def test_relative_error_properties():
    a = np.array([1.0, 2.0, 3.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(1e-9 * a, 1e-9 * (a + 1e-7)) == pytest.approx(relative_error(a, a + 1e-7))
    with pytest.raises(ValueError, match=r"\(3,\) and \(2,\)"):
        relative_error(a, a[:2])


def test_numerical_gradient_refuses_integer_arrays():
    with pytest.raises(ValueError, match="floating"):
        numerical_gradient(lambda: 0.0, np.arange(3))
    with pytest.raises(ValueError, match="eps must be positive"):
        numerical_gradient(lambda: 0.0, np.zeros(3), eps=0.0)
