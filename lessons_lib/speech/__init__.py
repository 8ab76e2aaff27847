"""Speech recognition with CTC (notebook 08): from FSDD waveforms to digit strings, one idea per module.

    recordings   the Free Spoken Digit Dataset read with tarfile and wave; bad audio refused clearly
    utterances   connected-digit utterances (one speaker, short random pauses, optional noise); the splits:
                 seen-speaker test = upstream's index 0-4, one held-out speaker, validation from the rest
    augment      speed perturbation, additive noise, SpecAugment-style masks
    features     mel scale and filterbank by hand, log-mel from torch.stft, per-utterance normalisation,
                 frame stacking
    ctc          the blank, the collapse rule, α and β in log space, the loss and its gradient,
                 forced alignment; equal to torch.nn.functional.ctc_loss
    decoding     greedy (best path) decoding and prefix beam search
    error_rate   edit distance, digit error rate, whole-string accuracy (checked against jiwer)
    batches      padding to (T, B, F), class ids (0 = blank, digit d = d + 1), the batch CTC loss
    models       FrameClassifier (memoryless baseline), RecurrentRecognizer (LSTM, uni- or bidirectional)
    recipe       Recipe, fresh training batches, train_recognizer, transcribe, score

Credit for the recordings: Zohar Jackson et al., Free Spoken Digit Dataset (CC BY-SA 4.0).
"""
