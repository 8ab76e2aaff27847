"""Vocabularies, padding, masks, teacher forcing and packing."""
import pytest
import torch
from torch.nn.utils.rnn import pack_padded_sequence

from lessons_lib.translation.batching import make_batch, pad_sequences, padding_mask
from lessons_lib.translation.vocabulary import BOS_ID, EOS_ID, PAD_ID, UNK_ID, Vocabulary


def test_vocabulary_specials_encode_decode():
    vocab = Vocabulary.from_corpus([["a", "b", "a"], ["c", "a", "b"]])
    assert vocab.tokens[:4] == ["<pad>", "<bos>", "<eos>", "<unk>"] and (PAD_ID, BOS_ID, EOS_ID, UNK_ID) == (0, 1, 2, 3)
    assert vocab.tokens[4:] == ["a", "b", "c"]                      # most frequent first
    ids = vocab.encode(["a", "z", "c"], add_eos=True)
    assert ids == [4, UNK_ID, 6, EOS_ID]
    assert vocab.decode([BOS_ID, 4, 6, EOS_ID, 5]) == ["a", "c"]
    assert vocab.decode([4, EOS_ID, 5], stop_at_eos=False) == ["a", "<eos>", "b"]
    assert vocab.unknown(["a", "z", "z", "y"]) == ["z", "y"]
    with pytest.raises(ValueError, match="not in the vocabulary"):
        vocab.encode(["z"], unknown="error")
    assert len(Vocabulary.from_corpus([["a", "b", "a"]], min_count=2)) == 5


def test_vocabulary_refuses_empty_tokens():
    with pytest.raises(ValueError, match="non-empty"):
        Vocabulary(["a", ""])


def test_padding_is_time_major_and_mask_marks_real_tokens():
    ids, lengths = pad_sequences([[5, 6, 7], [8], [9, 10]])
    assert ids.shape == (3, 3) and lengths.tolist() == [3, 1, 2]
    assert ids[:, 1].tolist() == [8, PAD_ID, PAD_ID]
    mask = padding_mask(lengths)
    assert mask.T.tolist() == [[True, True, True], [True, False, False], [True, True, False]]
    assert padding_mask(lengths, 5).shape == (5, 3)
    with pytest.raises(ValueError, match="empty"):
        pad_sequences([[1], []])
    with pytest.raises(ValueError):
        pad_sequences([])


def test_teacher_forcing_shifts_the_target_by_one():
    batch = make_batch([[5, 6], [7]], [[10, 11, 12], [13]])
    assert batch.decoder_input[:, 0].tolist() == [BOS_ID, 10, 11, 12]
    assert batch.decoder_target[:, 0].tolist() == [10, 11, 12, EOS_ID]
    assert batch.decoder_input[:, 1].tolist() == [BOS_ID, 13, PAD_ID, PAD_ID]
    assert batch.decoder_target[:, 1].tolist() == [13, EOS_ID, PAD_ID, PAD_ID]
    with pytest.raises(ValueError, match="pair up"):
        make_batch([[1]], [[1], [2]])


def test_packing_gives_each_sequence_its_own_final_state_and_batch_first_leaves_h_n_alone():
    torch.manual_seed(0)
    gru = torch.nn.GRU(3, 4, bidirectional=True)
    x = torch.randn(5, 2, 3)
    lengths = torch.tensor([5, 2])
    _, h_packed = gru(pack_padded_sequence(x, lengths, enforce_sorted=False))
    _, h_alone = gru(x[:2, 1:2])                                     # sequence 1 alone, without padding
    assert torch.allclose(h_packed[:, 1], h_alone[:, 0], atol=1e-6)
    _, h_padded = gru(x)                                             # padding read as if it were input
    assert not torch.allclose(h_padded[:, 1], h_alone[:, 0], atol=1e-3)
    gru_bf = torch.nn.GRU(3, 4, bidirectional=True, batch_first=True)
    gru_bf.load_state_dict(gru.state_dict())
    out_bf, h_bf = gru_bf(x.transpose(0, 1))
    assert out_bf.shape == (2, 5, 8) and h_bf.shape == (2, 2, 4) == h_padded.shape   # h_n stays (layers·dirs, B, H)
    assert torch.allclose(h_bf, h_padded, atol=1e-6)
