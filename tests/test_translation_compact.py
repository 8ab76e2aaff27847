"""int8 checkpoints: small, close to the float weights, loaded safely, clear errors."""
import pytest
import torch

from lessons_lib.training import save_checkpoint
from lessons_lib.training.checkpoints import CheckpointError
from lessons_lib.translation.compact import (dequantize_state, load_int8_checkpoint, quantize_state, read_metadata,
                                             round_trip, save_int8_checkpoint)
from lessons_lib.translation.seq2seq import Seq2Seq, Seq2SeqConfig
from lessons_lib.translation.vocabulary import Vocabulary


def small_model(seed=0):
    torch.manual_seed(seed)
    return Seq2Seq(Seq2SeqConfig(30, 20, 8, 6, 10, "additive", 5))


def test_quantized_weights_within_half_a_step_of_each_row():
    torch.manual_seed(0)
    state = {"w": torch.randn(7, 13), "b": torch.randn(5)}
    stored = quantize_state(state)
    assert stored["w.int8"].dtype == torch.int8 and stored["w.scale"].shape == (7, 1)
    back = dequantize_state(stored)
    step = state["w"].abs().amax(dim=1, keepdim=True) / 127
    assert torch.all((back["w"] - state["w"]).abs() <= 0.5 * step * 1.01 + 1e-6)
    assert torch.allclose(back["b"], state["b"], atol=2e-3)


def test_save_load_gives_the_round_tripped_weights(tmp_path):
    model = small_model()
    path = save_int8_checkpoint(model, tmp_path / "m.pt", steps=3, note="x")
    reference = round_trip(small_model())
    loaded = small_model(seed=1)
    metadata = load_int8_checkpoint(loaded, path)
    assert metadata == {"steps": 3, "note": "x"} and read_metadata(path) == metadata
    for a, b in zip(reference.state_dict().values(), loaded.state_dict().values()):
        assert torch.equal(a, b)


def test_about_a_quarter_of_float32(tmp_path):
    model = Seq2Seq(Seq2SeqConfig(2000, 1500, 64, 64, 96, "additive", 32))
    full = save_checkpoint(model, tmp_path / "full.pt").stat().st_size
    small = save_int8_checkpoint(model, tmp_path / "small.pt").stat().st_size
    assert small < 0.3 * full


def test_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_int8_checkpoint(small_model(), tmp_path / "missing.pt")
    plain = save_checkpoint(small_model(), tmp_path / "plain.pt")
    with pytest.raises(CheckpointError, match="not an int8 checkpoint"):
        load_int8_checkpoint(small_model(), plain)
    path = save_int8_checkpoint(small_model(), tmp_path / "m.pt")
    with pytest.raises(CheckpointError, match="does not fit"):
        load_int8_checkpoint(Seq2Seq(Seq2SeqConfig(31, 20, 8, 6, 10, "additive", 5)), path)
    with pytest.raises(ValueError, match="metadata"):
        save_int8_checkpoint(small_model(), tmp_path / "bad.pt", values=torch.zeros(2))


def test_vocabulary_fingerprint():
    assert Vocabulary("abc").fingerprint() == Vocabulary("abc").fingerprint()
    assert Vocabulary("abc").fingerprint() != Vocabulary("acb").fingerprint()
