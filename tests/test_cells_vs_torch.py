"""The numpy cells against torch: forward to 1e-10, backward to 1e-8, round trips, float32."""
import numpy as np
import pytest
import torch

from cells import CELLS, SIZES, random_torch_module

ids = [c.name for c in CELLS]


@pytest.mark.parametrize("cell", CELLS, ids=ids)
@pytest.mark.parametrize("T,B,I,H", SIZES)
def test_forward_equals_torch(cell, T, B, I, H):
    rng = np.random.default_rng(1)
    module = random_torch_module(cell, I, H, seed=T * 100 + H)
    params = cell.params_cls.from_torch(module)
    xs = rng.standard_normal((T, B, I))
    states = cell.states(B, H, rng)
    hs, cache = cell.forward(xs, states, params)
    hs_torch, finals_torch = cell.torch_run(module, xs, states)
    assert hs.shape == (T, B, H)
    np.testing.assert_allclose(hs, hs_torch, atol=1e-10, rtol=0)
    assert cache.hidden is hs and cache.params is params
    assert len(finals_torch) == len(cell.state_names)
    for name, final in zip(("h_T", "c_T"), finals_torch):   # the final states, named in the cache
        np.testing.assert_allclose(getattr(cache, name), final, atol=1e-10, rtol=0, err_msg=name)


@pytest.mark.parametrize("cell", CELLS, ids=ids)
@pytest.mark.parametrize("T,B,I,H", SIZES)
def test_backward_equals_torch_autograd(cell, T, B, I, H):
    rng = np.random.default_rng(2)
    module = random_torch_module(cell, I, H, seed=T * 7 + B)
    params = cell.params_cls.from_torch(module)
    xs = rng.standard_normal((T, B, I))
    states = cell.states(B, H, rng)
    G, Gc = rng.standard_normal((T, B, H)), rng.standard_normal((B, H))
    ours = cell.backward(xs, states, params, G, Gc)
    theirs = cell.torch_run(module, xs, states, G, Gc)
    assert set(ours) == set(theirs)
    for name in ours:
        assert ours[name].shape == theirs[name].shape, name
        np.testing.assert_allclose(ours[name], theirs[name], atol=1e-8, rtol=1e-8, err_msg=name)


@pytest.mark.parametrize("cell", CELLS, ids=ids)
def test_lstm_cell_modules_are_accepted(cell):
    """``from_torch`` also reads the single-step ``nn.*Cell`` modules (no ``_l0`` suffix)."""
    torch.manual_seed(0)
    cell_module = getattr(torch.nn, cell.torch_cls.__name__ + "Cell")(3, 4, dtype=torch.float64)
    params = cell.params_cls.from_torch(cell_module)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3))
    states = cell.states(2, 4, rng)
    hs, _ = cell.forward(x[None], states, params)
    if cell.has_cell_state:
        h, _ = cell_module(torch.tensor(x), (torch.tensor(states[0]), torch.tensor(states[1])))
    else:
        h = cell_module(torch.tensor(x), torch.tensor(states[0]))
    np.testing.assert_allclose(hs[0], h.detach().numpy(), atol=1e-12)


@pytest.mark.parametrize("cell", CELLS, ids=ids)
@pytest.mark.parametrize("batch_first", [False, True])
def test_round_trip_preserves_outputs(cell, batch_first):
    rng = np.random.default_rng(3)
    module = random_torch_module(cell, 3, 5, seed=11)
    module.batch_first = batch_first
    copy = cell.params_cls.from_torch(module).to_torch(batch_first=batch_first)
    assert type(copy) is type(module) and copy.batch_first == batch_first
    xs = torch.tensor(rng.standard_normal((6, 2, 3) if not batch_first else (2, 6, 3)))
    out_a, state_a = module(xs)
    out_b, state_b = copy(xs)
    torch.testing.assert_close(out_a, out_b, atol=1e-12, rtol=0)
    for a, b in zip(state_a if cell.has_cell_state else [state_a], state_b if cell.has_cell_state else [state_b]):
        torch.testing.assert_close(a, b, atol=1e-12, rtol=0)


@pytest.mark.parametrize("cell", CELLS, ids=ids)
def test_float32_matches_torch(cell):
    rng = np.random.default_rng(4)
    module = random_torch_module(cell, 3, 4, seed=5, dtype=torch.float32)
    params = cell.params_cls.from_torch(module)
    assert params.dtype == np.float32
    xs = rng.standard_normal((8, 2, 3)).astype(np.float32)
    states = cell.states(2, 4, rng, dtype=np.float32)
    hs, _ = cell.forward(xs, states, params)
    assert hs.dtype == np.float32
    xs_t = torch.tensor(xs)
    st = [torch.tensor(s[None]) for s in states]
    out = module(xs_t, (st[0], st[1]) if cell.has_cell_state else st[0])[0]
    np.testing.assert_allclose(hs, out.detach().numpy(), atol=1e-5)
    G = rng.standard_normal((8, 2, 4)).astype(np.float32)
    grads = cell.backward(xs, states, params, G, np.zeros((2, 4), np.float32))
    assert all(g.dtype == np.float32 for g in grads.values())


@pytest.mark.parametrize("cell", CELLS, ids=ids)
def test_init_shapes_and_torch_default_range(cell):
    params = cell.init(3, 4, seed=0)
    assert params.input_size == 3 and params.hidden_size == 4
    for field in cell.param_fields:
        bound = 0.5 if field.startswith("W") else 1.0   # weights U(±1/√H), H = 4; summed biases within ±2/√H
        assert np.all(np.abs(getattr(params, field)) <= bound), field
    again = cell.init(3, 4, seed=0)
    other = cell.init(3, 4, seed=1)
    assert np.array_equal(getattr(params, "W_hh"), getattr(again, "W_hh"))
    assert not np.array_equal(getattr(params, "W_hh"), getattr(other, "W_hh"))


@pytest.mark.parametrize("cell", CELLS, ids=ids)
def test_init_has_the_distribution_of_torchs_effective_parameters(cell):
    """Block by block (H entries of a bias, H rows of a weight), the variance of every numpy parameter,
    in units of one U(±1/√H) draw's variance 1/(3H), is that of ``from_torch`` of a fresh torch module:
    1 for weights and for biases torch keeps alone (the GRU's b_in and b_hn), 2 where torch adds two."""
    I, H = 3, 300
    unit = 1.0 / (3 * H)
    torch.manual_seed(0)
    theirs = cell.params_cls.from_torch(cell.torch_cls(I, H, dtype=torch.float64))
    ours = cell.init(I, H, seed=0)
    for field in cell.param_fields:
        blocks = lambda params: np.split(getattr(params, field), getattr(params, field).shape[0] // H)
        for k, (mine, torchs) in enumerate(zip(blocks(ours), blocks(theirs), strict=True)):
            expected = round(torchs.var() / unit)           # 1 or 2
            assert expected in (1, 2), (field, k, torchs.var() / unit)
            assert mine.var() / unit == pytest.approx(expected, rel=0.2), (field, k)
            assert abs(mine.mean()) < 0.2 * np.sqrt(expected * unit), (field, k)
