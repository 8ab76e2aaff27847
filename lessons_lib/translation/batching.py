"""Batches of sequences of different lengths: padding, masks, teacher-forcing pairs, packing.

Sentences in a batch differ in length; a tensor needs one length, so shorter ones are **padded**
(填充) with ``<pad>`` (id 0) up to the longest. Time-major, as everywhere in the course::

    ids (T, B)          ids[t, b] = token t of sentence b, or PAD_ID once t >= lengths[b]
    lengths (B,)        the true lengths
    mask (T, B)         True at real tokens, False at padding: mask[t, b] = t < lengths[b]

Padding must change nothing: attention gives padded positions zero weight (the mask), the loss
ignores padded targets (``ignore_index=PAD_ID``), and the encoder does not read them at all
(``torch.nn.utils.rnn.pack_padded_sequence``, see :mod:`.seq2seq`).

**Teacher forcing** (教师强制): while training, the decoder's input at step t is the *true* token
t − 1, not its own guess::

    target       y_1  y_2  ...  y_n  <eos>        what the decoder must output
    input  <bos> y_1  y_2  ...  y_n               what it reads: the target shifted right by one
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch

from .vocabulary import BOS_ID, EOS_ID, PAD_ID


def pad_sequences(sequences: Sequence[Sequence[int]], pad_id: int = PAD_ID) -> tuple[torch.Tensor, torch.Tensor]:
    """Lists of token ids → ``(ids (T, B) int64, lengths (B,) int64)``, T the longest length."""
    if len(sequences) == 0:
        raise ValueError("sequences must hold at least one sequence")
    lengths = torch.tensor([len(s) for s in sequences], dtype=torch.long)
    if int(lengths.min()) == 0:
        raise ValueError(f"every sequence needs at least one token; sequence {int(lengths.argmin())} is empty")
    ids = torch.full((int(lengths.max()), len(sequences)), pad_id, dtype=torch.long)
    for b, sequence in enumerate(sequences):
        ids[:len(sequence), b] = torch.as_tensor(list(sequence), dtype=torch.long)
    return ids, lengths


def padding_mask(lengths: torch.Tensor, max_length: int | None = None) -> torch.Tensor:
    """``(T, B)`` bool, True where ``t < lengths[b]`` (a real token), False at padding."""
    lengths = torch.as_tensor(lengths)
    T = int(lengths.max()) if max_length is None else int(max_length)
    return torch.arange(T, device=lengths.device)[:, None] < lengths[None, :]


@dataclass
class Seq2SeqBatch:
    """One training batch, time-major.

    ``source (S, B)`` and ``source_lengths (B,)``; ``decoder_input (T, B)`` = <bos> + target and
    ``decoder_target (T, B)`` = target + <eos>, both padded with PAD_ID.
    """

    source: torch.Tensor
    source_lengths: torch.Tensor
    decoder_input: torch.Tensor
    decoder_target: torch.Tensor

    def to(self, device) -> "Seq2SeqBatch":
        """The same batch on ``device`` (``source_lengths`` too; the encoder moves them to the CPU for packing)."""
        return Seq2SeqBatch(*(t.to(device) for t in (self.source, self.source_lengths, self.decoder_input,
                                                       self.decoder_target)))


def make_batch(sources: Sequence[Sequence[int]], targets: Sequence[Sequence[int]]) -> Seq2SeqBatch:
    """Pad sources; build the teacher-forcing pair from targets (ids without <bos>/<eos>)."""
    if len(sources) != len(targets):
        raise ValueError(f"sources and targets must pair up; got {len(sources)} and {len(targets)}")
    source, source_lengths = pad_sequences(sources)
    decoder_input, _ = pad_sequences([[BOS_ID, *t] for t in targets])
    decoder_target, _ = pad_sequences([[*t, EOS_ID] for t in targets])
    return Seq2SeqBatch(source, source_lengths, decoder_input, decoder_target)
