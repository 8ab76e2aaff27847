"""The encoder-decoder: shapes, padding does not change a sentence's output, config checks, greedy/beam decoding."""
import itertools

import numpy as np
import pytest
import torch

from lessons_lib.translation.batching import make_batch, pad_sequences
from lessons_lib.translation.decoding import beam_search, greedy_decode, translate_batches
from lessons_lib.translation.seq2seq import Seq2Seq, Seq2SeqConfig, count_parameters
from lessons_lib.translation.trainer import batch_loss, sequence_loss, train_seq2seq
from lessons_lib.translation.vocabulary import EOS_ID, PAD_ID


def model(attention="additive", seed=0, **sizes):
    torch.manual_seed(seed)
    config = Seq2SeqConfig(**{**dict(source_vocab_size=13, target_vocab_size=11, embedding_size=6, encoder_size=5,
                                     decoder_size=7, attention=attention, attention_size=4), **sizes})
    return Seq2Seq(config).eval()


SOURCES = [[4, 5, 6, 7, 8], [9, 4], [10, 11, 12]]
TARGETS = [[4, 5, 6], [7], [8, 9, 10, 4]]


@pytest.mark.parametrize("attention", ["additive", "dot", "none"])
def test_teacher_forced_shapes(attention):
    batch = make_batch(SOURCES, TARGETS)
    logits, weights = model(attention)(batch.source, batch.source_lengths, batch.decoder_input)
    assert logits.shape == (5, 3, 11)
    if attention == "none":
        assert weights is None
    else:
        assert weights.shape == (5, 5, 3)                   # (T, S, B)
        assert torch.allclose(weights.sum(dim=1), torch.ones(5, 3), atol=1e-6)
        assert (weights[:, 2:, 1] == 0).all()              # sentence 1 has 2 real tokens


@pytest.mark.parametrize("attention", ["additive", "dot", "none"])
def test_a_sentence_gives_the_same_output_alone_or_padded_in_a_batch(attention):
    m = model(attention)
    batch = make_batch(SOURCES, TARGETS)
    logits, _ = m(batch.source, batch.source_lengths, batch.decoder_input)
    alone = make_batch(SOURCES[1:2], TARGETS[1:2])
    logits_alone, _ = m(alone.source, alone.source_lengths, alone.decoder_input)
    assert torch.allclose(logits[:2, 1], logits_alone[:, 0], atol=1e-5)


def test_sequence_loss_ignores_padding():
    logits = torch.randn(3, 2, 5)
    target = torch.tensor([[1, 2], [3, PAD_ID], [4, PAD_ID]])
    real = torch.nn.functional.cross_entropy(logits[[0, 0, 1, 2], [0, 1, 0, 0]], torch.tensor([1, 2, 3, 4]))
    assert torch.allclose(sequence_loss(logits, target), real)
    with pytest.raises(ValueError):
        sequence_loss(logits, target[:2])


def test_config_checks_and_round_trip():
    with pytest.raises(ValueError, match="attention must be one of"):
        Seq2SeqConfig(5, 5, attention="luong")
    with pytest.raises(ValueError, match="dropout"):
        Seq2SeqConfig(5, 5, dropout=1.5)
    config = Seq2SeqConfig(5, 6, attention="dot")
    assert Seq2SeqConfig(**config.as_dict()) == config
    assert count_parameters(model("none")) < count_parameters(model("additive"))


def test_greedy_is_the_argmax_of_the_teacher_forced_run_on_its_own_output():
    m = model("additive", seed=3)
    ids, lengths = pad_sequences(SOURCES)
    outputs = greedy_decode(m, ids, lengths, max_length=6)
    for b, out in enumerate(outputs):
        assert out.weights.shape == (len(out.tokens) + out.finished, len(SOURCES[b]))
        with torch.no_grad():
            batch = make_batch([SOURCES[b]], [out.tokens])
            logits, _ = m(batch.source, batch.source_lengths, batch.decoder_input)
        steps = len(out.tokens) + out.finished
        expected = logits[:steps, 0].argmax(-1).tolist()
        assert expected == out.tokens + ([EOS_ID] if out.finished else [])
        log_probs = torch.log_softmax(logits[:steps, 0], -1)
        assert np.isclose(out.score, float(log_probs[torch.arange(steps), expected].sum()), atol=1e-4)


@pytest.mark.parametrize("attention", ["additive", "dot", "none"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_beam_width_one_equals_greedy(attention, seed):
    m = model(attention, seed=seed)
    ids, lengths = pad_sequences(SOURCES)
    greedy = greedy_decode(m, ids, lengths, max_length=8)
    for b, source in enumerate(SOURCES):
        beam = beam_search(m, source, beam_width=1, max_length=8)
        assert len(beam) == 1
        assert beam[0].tokens == greedy[b].tokens and beam[0].finished == greedy[b].finished
        assert np.isclose(beam[0].score, greedy[b].score, atol=1e-4)
        if attention != "none":
            assert np.allclose(beam[0].weights, greedy[b].weights, atol=1e-5)


def test_beam_search_finds_the_best_of_all_sequences_on_a_tiny_vocabulary():
    """With V = 5 and at most 2 tokens, every output can be scored: a beam wider than all candidates must
    rank the most probable finished output first among the finished ones."""
    m = model("additive", seed=4, target_vocab_size=5)
    source = SOURCES[0]
    best_score, best = -np.inf, None
    for length in range(0, 3):
        for tokens in itertools.product([0, 1, 3, 4], repeat=length):   # every id but <eos>
            batch = make_batch([source], [list(tokens)])
            with torch.no_grad():
                logits, _ = m(batch.source, batch.source_lengths, batch.decoder_input)
            target = list(tokens) + [EOS_ID]
            log_probs = torch.log_softmax(logits[:len(target), 0], -1)
            score = float(log_probs[torch.arange(len(target)), target].sum())
            if score > best_score:
                best_score, best = score, list(tokens)
    results = beam_search(m, source, beam_width=200, max_length=3)
    finished = [r for r in results if r.finished]
    assert finished[0].tokens == best and np.isclose(finished[0].score, best_score, atol=1e-4)
    assert [r.score for r in results] == sorted([r.score for r in results], reverse=True)


def test_beam_search_checks_its_arguments():
    m = model()
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(m, [4, 5], beam_width=0, max_length=3)
    with pytest.raises(ValueError, match="at least one token"):
        beam_search(m, [], beam_width=2, max_length=3)
    with pytest.raises(ValueError, match="length_penalty"):
        beam_search(m, [4], beam_width=2, max_length=3, length_penalty=-1)


def test_translate_batches_keeps_the_order():
    m = model(seed=5)
    one_by_one = [greedy_decode(m, *pad_sequences([s]), max_length=5)[0].tokens for s in SOURCES]
    assert [t.tokens for t in translate_batches(m, SOURCES, 5, batch_size=2)] == one_by_one


def test_training_lowers_the_loss_and_records_history():
    torch.manual_seed(0)
    m = Seq2Seq(Seq2SeqConfig(8, 8, 4, 8, 8, "additive", 4)).train()
    rng = np.random.default_rng(0)

    def next_batch(step):                     # the answer is the first source token: one look back
        seqs = [rng.integers(4, 6, rng.integers(1, 3)).tolist() for _ in range(16)]
        return make_batch(seqs, [s[:1] for s in seqs])

    val = next_batch(-1)

    def evaluate():
        with torch.no_grad():
            return {"loss": batch_loss(m, val).item()}

    before = evaluate()["loss"]
    run = train_seq2seq(m, next_batch, 300, 5e-2, evaluate, eval_every=10, progress=False,
                        stop_when=lambda metrics: metrics["loss"] < before / 4)
    assert run.history.steps[0] == 10 and len(run.evaluations) == len(run.history.val_loss)
    assert run.stopped_because == "target reached" and run.history.val_loss[-1] < before / 4
    assert m.training                                      # left in training mode, as it was
