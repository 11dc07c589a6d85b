"""The sentence encoder: pinned files checked at install, offline loading, the documented similarity."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from bot import encoder
from bot.encoder import EncoderError, install, verify


def _archive(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return path


def test_the_installed_model_is_the_pinned_revision() -> None:
    verify(encoder.encoder_directory())
    assert encoder.encoder_directory().is_relative_to(Path(encoder.sys.prefix))


def test_a_tampered_archive_is_refused_and_leaves_nothing_behind(tmp_path: Path) -> None:
    archive = _archive(
        tmp_path / "model.zip",
        {"model.safetensors": b"not the weights", "tokenizer.json": b"{}", "config.json": b"{}"},
    )
    target = tmp_path / "share" / "model"
    with pytest.raises(EncoderError, match=r"model\.safetensors has SHA-256"):
        install(target, archive)
    assert not target.exists()
    assert list((tmp_path / "share").iterdir()) == []  # no half-extracted staging directory


def test_an_archive_with_a_path_outside_the_directory_is_refused(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "model.zip", {"../escape.txt": b"x"})
    with pytest.raises(EncoderError, match="outside the model directory"):
        install(tmp_path / "share" / "model", archive)
    assert not (tmp_path / "share" / "escape.txt").exists()


def test_missing_files_name_the_command_to_run(tmp_path: Path) -> None:
    with pytest.raises(EncoderError, match="make install"):
        verify(tmp_path)


def test_install_keeps_a_verified_copy(tmp_path: Path) -> None:
    installed = encoder.encoder_directory()
    assert install(installed) == installed  # verified: nothing extracted again


@pytest.mark.rasa
def test_the_encoder_reproduces_the_documented_similarity() -> None:
    """sentence-transformers documents 0.7553 for this pair with all-MiniLM-L6-v2."""
    model = encoder.load_encoder()
    vectors = model.encode(["A man is eating food.", "A man is eating a piece of bread.", ""])
    assert vectors.shape == (3, encoder.DIMENSION)
    assert round(float(vectors[0] @ vectors[1]), 4) == 0.7553
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-5
    texts = ["short", "a much longer sentence about intensive outpatient programs", "mid one"]
    order = model.encode(texts)
    again = [model.encode([text])[0] for text in texts[:2]]
    assert float(order[0] @ again[0]) > 0.9999 and float(order[1] @ again[1]) > 0.9999  # batching keeps order
