"""The importance model: MiniLM embedding + rule features + numeric stats → calibrated tier and type.

Estimators follow scikit-learn: ``ImportanceModel.fit(X, tiers, types)`` / ``predict(X)``. Columns of X are
the 384-d embedding followed by :func:`commitradar.classifier.vector.hand_features`. Two one-vs-rest heads
(high, low) each take a soft vote of a logistic regression (embedding + hand features) and gradient-boosted
trees (hand features); their probabilities are calibrated (sigmoid, inner CV); a :class:`TierPolicy` turns
them into tiers and favours high-tier recall.

Saved with skops (no pickle): ``model.skops`` is loaded only after checking that every type in it is a
scikit-learn/numpy type, and ``model_card.json`` must match this package's feature and vector versions and
scikit-learn's major version.
"""
from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..features import FEATURE_VERSION
from ..features.embedding import DIM, MODEL_NAME, TEXT_VERSION, Embedder
from ..records import TIERS, Commit, Features, Verdict
from .vector import VECTOR_VERSION, hand_feature_names, hand_matrix

MODEL_FILE = "model.skops"
NEIGHBOURS_FILE = "neighbours.npz"
CARD_FILE = "model_card.json"
CARD_MD = "MODEL_CARD.md"
MODEL_FORMAT = 3  # 2: one-vs-rest high/low heads; 3: each head blends a linear and a tree model
SAFE_PREFIXES = ("sklearn.", "numpy.", "builtins.", "scipy.")


@dataclass(frozen=True)
class TierPolicy:
    """high if P(high) ≥ high_threshold; else medium if 1 − P(low) ≥ medium_threshold; else low.

    P(high) and P(low) come from two one-vs-rest heads; thresholds are tuned on held-out scores
    (:func:`commitradar.classifier.evaluation.tune_policy`) to favour high-tier recall."""

    high_threshold: float = 0.3
    medium_threshold: float = 0.5
    # owner/name → high threshold for that repository's commits (rate anchoring per repository); other
    # repositories use high_threshold
    repo_high_thresholds: dict = field(default_factory=dict)

    def high_threshold_for(self, repo: str | None) -> float:
        return self.repo_high_thresholds.get(repo, self.high_threshold) if repo else self.high_threshold

    def apply(self, p_high: np.ndarray, p_low: np.ndarray, repos: Sequence[str] | None = None) -> list[str]:
        """Tiers of rows scored (P(high), P(low)); ``repos`` (one per row) picks per-repository thresholds."""
        repos = repos if repos is not None else [None] * len(p_high)
        return ["high" if h >= self.high_threshold_for(r) else "medium" if 1 - lo >= self.medium_threshold else "low"
                for h, lo, r in zip(p_high, p_low, repos)]


def policy_with_overrides(policy: TierPolicy, config) -> TierPolicy:
    """The trained policy, with any threshold set in the configuration (toml, flags) taking its place."""
    from dataclasses import replace

    given = {k: getattr(config, k, None) for k in ("high_threshold", "medium_threshold")}
    policy = replace(policy, **{k: float(v) for k, v in given.items() if v is not None})
    if given["high_threshold"] is not None:  # one threshold asked for: it holds for every repository
        policy = replace(policy, repo_high_thresholds={})
    return policy


def _column_pipeline(columns: str, C: float, class_weight="balanced", hand_weight: float = 0.5):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    n_hand = len(hand_feature_names())
    parts = []
    if columns in ("both", "embedding"):
        parts.append(("embedding", "passthrough", slice(0, DIM)))
    if columns in ("both", "hand"):
        parts.append(("hand", StandardScaler(), slice(DIM, DIM + n_hand)))
    return Pipeline([
        ("columns", ColumnTransformer(parts, transformer_weights={"hand": hand_weight})),
        ("logreg", LogisticRegression(C=C, class_weight=class_weight, max_iter=5000)),
    ])


HEAD_C = {"high": 0.03, "low": 0.3}  # the high head is strongly regularised: few, noisy positives
TREE_WEIGHT = 0.4  # share of the gradient-boosted trees in each head's vote (the rest: the linear model)


def _tree_pipeline():
    """Gradient-boosted trees on the hand features only: they catch interactions the linear model cannot
    (a fix tag *and* core paths *and* a small diff), while the embedding stays with the linear model."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    n_hand = len(hand_feature_names())
    return Pipeline([
        ("columns", ColumnTransformer([("hand", "passthrough", slice(DIM, DIM + n_hand))])),
        ("trees", HistGradientBoostingClassifier(learning_rate=0.05, max_iter=200, max_depth=3,
                                                 l2_regularization=1.0, class_weight="balanced", random_state=0)),
    ])


def make_head(tier: str, calibrate: bool = True, tree_weight: float = TREE_WEIGHT):
    """One-vs-rest head ``tier`` vs the rest: a soft vote of the linear model (embedding + scaled hand
    features) and the trees (hand features). Calibration (sigmoid on out-of-fold scores, one final fit on
    all rows) is monotonic: it makes P() meaningful without changing the ranking."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import VotingClassifier

    linear = _column_pipeline("both", HEAD_C[tier])
    base = linear if tree_weight <= 0 else VotingClassifier(
        [("linear", linear), ("trees", _tree_pipeline())], voting="soft", weights=[1 - tree_weight, tree_weight])
    return CalibratedClassifierCV(base, method="sigmoid", cv=5, ensemble=False) if calibrate else base


def _linear_part(head):
    """The fitted linear pipeline inside a head (calibrated or not, voting or not): the reasons read it."""
    est = head.calibrated_classifiers_[0].estimator if hasattr(head, "calibrated_classifiers_") else head
    return est.named_estimators_["linear"] if hasattr(est, "named_estimators_") else est


def fit_heads(X: np.ndarray, tiers: Sequence[str], calibrate: bool = True) -> dict:
    y = np.asarray(tiers)
    return {tier: make_head(tier, calibrate).fit(X, y == tier) for tier in ("high", "low")}


def head_scores(heads: dict, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(P(high), P(low)) from the two heads."""
    return tuple(heads[t].predict_proba(X)[:, list(heads[t].classes_).index(True)] for t in ("high", "low"))


def tier_probabilities(p_high: np.ndarray, p_low: np.ndarray) -> np.ndarray:
    """(n, 3) in TIERS order, summing to 1: medium takes what the two heads leave."""
    p_mid = np.clip(1 - p_high - p_low, 0.02, None)
    P = np.c_[p_high, p_mid, p_low]
    return P / P.sum(axis=1, keepdims=True)


def make_type_estimator(C: float = 1.0):
    return _column_pipeline("both", C, hand_weight=1.0)


def make_embedding_only(C: float = 2.0):
    """Plain logistic regression on the MiniLM vector (the baseline the model must beat)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced", max_iter=5000)


def design_matrix(items: Sequence[tuple[Commit, Features]], embedder: Embedder) -> np.ndarray:
    emb = embedder.embed([c for c, _ in items])
    return np.hstack([emb, hand_matrix(items)]).astype(np.float32)


@dataclass
class ImportanceModel:
    """Tier + change-type estimators, the tier policy and the labeled neighbours used for reasons."""

    policy: TierPolicy = field(default_factory=TierPolicy)
    heads: dict | None = None  # {"high": estimator, "low": estimator}
    type_estimator: object = None
    embedding_estimator: object = None  # the "embedding-only" baseline head, shipped for side-by-side evaluation
    neighbour_vectors: np.ndarray | None = None
    neighbour_shas: np.ndarray | None = None
    neighbour_tiers: np.ndarray | None = None

    def fit(self, X: np.ndarray, tiers: Sequence[str], types: Sequence[str], shas: Sequence[str] = ()) -> ImportanceModel:
        self.heads = fit_heads(X, tiers)
        self.type_estimator = make_type_estimator().fit(X, np.asarray(types))
        self.embedding_estimator = make_embedding_only().fit(X[:, :DIM], np.asarray(tiers))
        self.neighbour_vectors = X[:, :DIM].astype(np.float16)
        self.neighbour_shas = np.asarray([s[:12] for s in shas] if len(shas) else [""] * len(X))
        self.neighbour_tiers = np.asarray(tiers)
        return self

    classes_ = list(TIERS)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return tier_probabilities(*head_scores(self.heads, X))

    def predict(self, X: np.ndarray, repos: Sequence[str] | None = None) -> list[str]:
        return self.policy.apply(*head_scores(self.heads, X), repos=repos)

    def predict_embedding_only(self, X: np.ndarray) -> list[str]:
        return list(self.embedding_estimator.predict(X[:, :DIM]))

    def predict_type(self, X: np.ndarray) -> list[str]:
        return list(self.type_estimator.predict(X))

    # ---------------------------------------------------------------- reasons

    def strongest_features(self, X: np.ndarray, tiers: Sequence[str], k: int = 2) -> list[list[str]]:
        """Hand features pushing hardest towards each predicted tier (coef × scaled value of the linear part)."""
        names = ["embedding"] * DIM + hand_feature_names()
        pipes = {}
        for t, est in self.heads.items():
            pipe = _linear_part(est)
            pipes[t] = (pipe.named_steps["columns"].transform(X), pipe.named_steps["logreg"].coef_[0])
        out = []
        for i, tier in enumerate(tiers):
            if tier == "medium":  # medium: what argues against low
                Z, coef = pipes["low"]
                contrib = -coef * Z[i]
            else:
                Z, coef = pipes[tier]
                contrib = coef * Z[i]
            order = np.argsort(-contrib)
            raw = X[i]  # the feature's own value, so "x=0 (+0.2)" reads as "absent, and that pushes this way"
            picked = [f"{names[i_]}={raw[i_]:.3g} ({contrib[i_]:+.2f})" for i_ in order
                      if names[i_] != "embedding" and contrib[i_] > 0][:k]
            out.append(picked)
        return out

    def neighbours(self, X: np.ndarray, k: int = 3) -> list[list[tuple[str, str, float]]]:
        if self.neighbour_vectors is None or not len(self.neighbour_vectors):
            return [[] for _ in range(len(X))]
        ref = self.neighbour_vectors.astype(np.float32)
        sims = X[:, :DIM] @ ref.T
        out = []
        for row in sims:
            idx = np.argsort(-row)[:k]
            out.append([(str(self.neighbour_shas[i])[:7], str(self.neighbour_tiers[i]), float(row[i])) for i in idx])
        return out

    # ---------------------------------------------------------------- persistence

    def save(self, out_dir: Path, card: dict) -> dict:
        """Write the model folder; returns the card as written (with the policy and the model's hash)."""
        import skops.io as sio

        out_dir.mkdir(parents=True, exist_ok=True)
        sio.dump({"heads": self.heads, "type": self.type_estimator, "embedding": self.embedding_estimator},
                 out_dir / MODEL_FILE)
        np.savez_compressed(out_dir / NEIGHBOURS_FILE, vectors=self.neighbour_vectors,
                            shas=self.neighbour_shas.astype("U12"), tiers=self.neighbour_tiers.astype("U6"))
        card = {**card, "policy": asdict(self.policy), "head_C": HEAD_C,
                "tree_weight": TREE_WEIGHT,
                "model_sha256": hashlib.sha256((out_dir / MODEL_FILE).read_bytes()).hexdigest()}
        (out_dir / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (out_dir / CARD_MD).write_text(card_markdown(card), encoding="utf-8")
        return card

    @classmethod
    def load(cls, model_dir: Path) -> tuple[ImportanceModel, dict]:
        model_dir = Path(model_dir)
        card_path = model_dir / CARD_FILE
        if not card_path.is_file() or not (model_dir / MODEL_FILE).is_file():
            raise InputError(f"no trained model in {model_dir} (expected {CARD_FILE} and {MODEL_FILE}; "
                             "make one with `commitradar train`)")
        card = json.loads(card_path.read_text(encoding="utf-8"))
        check_compatible(card, model_dir)
        import skops.io as sio

        path = model_dir / MODEL_FILE
        untrusted = sio.get_untrusted_types(file=path)
        unsafe = [t for t in untrusted if not t.startswith(SAFE_PREFIXES)]
        if unsafe:
            raise InputError(f"{path} contains types that are not scikit-learn/numpy: {', '.join(unsafe[:5])}")
        parts = sio.load(path, trusted=untrusted)
        nb = np.load(model_dir / NEIGHBOURS_FILE, allow_pickle=False)
        model = cls(policy=TierPolicy(**card["policy"]), heads=parts["heads"],
                    type_estimator=parts["type"], embedding_estimator=parts["embedding"], neighbour_vectors=nb["vectors"], neighbour_shas=nb["shas"],
                    neighbour_tiers=nb["tiers"])
        return model, card


def library_versions() -> dict:
    import sklearn

    versions = {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "numpy": np.__version__}
    for mod in ("sentence_transformers", "torch", "skops"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:  # pragma: no cover - optional at card time
            pass
    return versions


def compat_fields() -> dict:
    return {"format": MODEL_FORMAT, "feature_version": FEATURE_VERSION, "vector_version": VECTOR_VERSION,
            "embedding_model": MODEL_NAME, "embedding_text_version": TEXT_VERSION,
            "hand_features": hand_feature_names()}


def check_compatible(card: dict, where: Path) -> None:
    import sklearn

    mine = compat_fields()
    for key in ("format", "feature_version", "vector_version", "embedding_model", "embedding_text_version"):
        if card.get(key) != mine[key]:
            raise InputError(f"model in {where} was made for {key} {card.get(key)!r}, this commitradar uses "
                             f"{mine[key]!r}: retrain it with `commitradar train`")
    if card.get("hand_features") != mine["hand_features"]:
        raise InputError(f"model in {where} was made for other hand features: retrain it with `commitradar train`")
    theirs = str(card.get("versions", {}).get("scikit-learn", "0")).split(".")[0]
    if theirs != sklearn.__version__.split(".")[0]:
        raise InputError(f"model in {where} was made with scikit-learn {card['versions'].get('scikit-learn')}, "
                         f"this is {sklearn.__version__}: retrain it with `commitradar train`")


def _names(value) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def policy_line(policy: dict) -> str:
    """The tier thresholds in words, e.g. ``high if P(high) ≥ 0.1938 for o/a, 0.0968 for any other repository, …``."""
    high = f"{policy['high_threshold']:.4f}"
    if policy.get("repo_high_thresholds"):
        high = ", ".join(f"{t:.4f} for {r}" for r, t in sorted(policy["repo_high_thresholds"].items())) \
            + f", {high} for any other repository"
    return f"high if P(high) ≥ {high}; else medium if 1 − P(low) ≥ {policy['medium_threshold']:.4f}; else low"


def card_markdown(card: dict) -> str:
    from .anchoring import anchor_line

    lines = ["# Model card: commitradar importance model", "",
             f"- trained: {card.get('trained_at', '?')}",
             f"- data hash (sha256 of sorted sha,tier,type): `{card.get('data_hash', '?')}`",
             f"- labels: {card.get('n_labels')} ({', '.join(f'{k} {v}' for k, v in card.get('tier_counts', {}).items())})",
             f"- change types: {', '.join(f'{k} {v}' for k, v in card.get('type_counts', {}).items())}",
             f"- label files: {', '.join(card.get('label_files', []))}",
             f"- feature version {card.get('feature_version')}, vector version {card.get('vector_version')}, "
             f"embedding {card.get('embedding_model')} (text v{card.get('embedding_text_version')})",
             f"- tier policy: {policy_line(card['policy'])} (tuned for {card.get('policy_target')})",
             f"- {anchor_line(card['anchor'])}" if card.get("anchor") else "- rate anchoring: not recorded",
             f"- library versions: {', '.join(f'{k} {v}' for k, v in card.get('versions', {}).items())}",
             f"- model.skops sha256: `{card.get('model_sha256', '?')}`", ""]
    cv = card.get("cv")
    if cv:
        lines += [f"## Cross-validation ({cv.get('folds')} folds grouped by date)", "",
                  f"Trained on every label of each training part; scored on {cv.get('n_scored', '?')} labels "
                  f"({_names(cv.get('scored_on', 'all labels'))}); tier thresholds tuned inside each training part "
                  f"({(card.get('policy_target') or {}).get('scores_from', 'shuffled')} scores).", "",
                  "| model | macro-F1 | accuracy | high recall | high precision | Cohen's κ | LLM share |",
                  "|---|---|---|---|---|---|---|"]
        for name, m in cv.get("models", {}).items():
            lines.append(f"| {name} | {m['macro_f1']:.3f} | {m['accuracy']:.3f} | {m['high_recall']:.3f} | "
                         f"{m['per_class']['high']['precision']:.3f} | {m['kappa']:.3f} | {m['llm_share']:.3f} |")
        lines.append("")
        if cv.get("spread"):
            from .evaluation import spread_markdown

            lines += spread_markdown(cv["spread"], cv.get("repeats", 0))
    lines += ["## Trust", "", "`model.skops` is a skops file, not a pickle: loading refuses any type outside "
              "scikit-learn/numpy/scipy, and the card records its sha256.", ""]
    return "\n".join(lines)


class ModelClassifier:
    """The ``model`` classifier: batch predict with reasons (rule hits, strongest features, neighbours)."""

    name = "model"

    def __init__(self, model: ImportanceModel, card: dict, embedder: Embedder) -> None:
        self.model = model
        self.card = card
        self.embedder = embedder

    @classmethod
    def load(cls, model_dir: Path, config=None, cache_dir: Path | None = None) -> ModelClassifier:
        model, card = ImportanceModel.load(model_dir)
        if config is not None:
            model.policy = policy_with_overrides(model.policy, config)
        cache = cache_dir or (config.cache() if config is not None else None)
        return cls(model, card, Embedder(cache, progress=True))

    def classify(self, items: Sequence[tuple[Commit, Features]]) -> list[Verdict]:
        from .presets import DEFAULT

        if not items:
            return []
        X = design_matrix(items, self.embedder)
        p_high, p_low = head_scores(self.model.heads, X)
        proba = tier_probabilities(p_high, p_low)
        classes = self.model.classes_
        repos = [c.repo for c, _ in items]
        tiers = self.model.policy.apply(p_high, p_low, repos)
        types = self.model.predict_type(X)
        strongest = self.model.strongest_features(X, tiers)
        near = self.model.neighbours(X)
        # The rule hits are already columns of X ("rule:<name>"): read them instead of scoring again.
        names = hand_feature_names()
        rule_cols = [(r, DIM + names.index(f"rule:{r.name}")) for r in DEFAULT.rules]
        out = []
        for row, repo, tier, ctype, p, top, nb in zip(X, repos, tiers, types, proba, strongest, near):
            hits = [r for r, col in rule_cols if row[col] > 0]
            high_at = self.model.policy.high_threshold_for(repo)
            reasons = [f"P(high)={p[0]:.2f}, P(low)={p[2]:.2f} (high at ≥ {high_at:.2f}, "
                       f"low at > {1 - self.model.policy.medium_threshold:.2f})"]
            reasons += [f"rule {r.name}: {r.reason}" for r in hits]
            if top:
                reasons.append("strongest features: " + ", ".join(top))
            if nb:
                reasons.append("nearest labeled: " + ", ".join(f"{s} {t} ({sim:.2f})" for s, t, sim in nb))
            probs = {k: round(float(v), 4) for k, v in zip(classes, p)}
            out.append(Verdict(tier, ctype, tuple(reasons), self.name, probs))
        return out


def data_hash(shas: Sequence[str], tiers: Sequence[str], types: Sequence[str]) -> str:
    rows = sorted(f"{s},{t},{y}" for s, t, y in zip(shas, tiers, types))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


__all__ = ["ImportanceModel", "ModelClassifier", "TierPolicy", "design_matrix", "TIERS"]
