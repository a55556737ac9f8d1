from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bankrec.errors import InputError
from bankrec.matching import MatchConfig, Weights

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_follow_the_documented_weights() -> None:
    cfg = MatchConfig()
    assert (cfg.weights.partner, cfg.weights.amount, cfg.weights.invoice, cfg.weights.date) == (
        50, 30, 15, 5,
    )  # fmt: skip
    assert cfg.auto_threshold == 90
    assert cfg.amount_tolerance == Decimal("0.01")


def test_from_yaml_overrides_and_keeps_other_defaults(tmp_path: Path) -> None:
    path = tmp_path / "match.yaml"
    path.write_text("auto_threshold: 95\nweights:\n  partner: 40\namount_tolerance: '0.05'\n")
    cfg = MatchConfig.from_yaml(path)
    assert cfg.auto_threshold == 95
    assert cfg.weights == Weights(partner=40)
    assert cfg.amount_tolerance == Decimal("0.05")
    assert cfg.tie_margin == MatchConfig().tie_margin


def test_sample_config_loads() -> None:
    cfg = MatchConfig.from_yaml(ROOT / "samples" / "match.yaml")
    assert isinstance(cfg, MatchConfig)
    assert cfg.own_accounts  # the sample names our accounts


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "match.yaml"
    path.write_text("auto_treshold: 95\n")
    with pytest.raises(InputError) as err:
        MatchConfig.from_yaml(path)
    assert "auto_treshold" in str(err.value) and str(path) in str(err.value)
    assert "auto_threshold" in str(err.value)  # the expected keys are listed


def test_wrong_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "match.yaml"
    path.write_text("tie_margin: five\n")
    with pytest.raises(InputError, match="tie_margin must be a whole number"):
        MatchConfig.from_yaml(path)


def test_unknown_weight_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "match.yaml"
    path.write_text("weights:\n  partnr: 10\n")
    with pytest.raises(InputError, match="unknown weight 'partnr'"):
        MatchConfig.from_yaml(path)


def test_broken_yaml_gives_line(tmp_path: Path) -> None:
    path = tmp_path / "match.yaml"
    path.write_text("auto_threshold: 90\nweights: [1, 2\n")
    with pytest.raises(InputError) as err:
        MatchConfig.from_yaml(path)
    assert f"{path}:3" in str(err.value) or f"{path}:2" in str(err.value)
