"""The typed configuration: lookup order, precedence, one-line errors naming key and value, provenance,
and docs/configuration.md generated from the models."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GitRepo, assert_one_line_error

from commitradar.config import Config, RepoConfig, configuration_markdown, load_config, load_config_with_sources
from commitradar.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("toml, needle", [
    ("tz = 8\n", "tz = 8: expected text"),
    ('tz = "Mars/Base"\n', 'tz = "Mars/Base": expected an IANA time zone name'),
    ('llm = "openai"\n', 'llm = "openai": expected a table'),
    ('[llm]\nmax_in_flight = "eight"\n', '[llm] max_in_flight = "eight": expected a whole number'),
    ("[llm]\nmax_in_flight = 0\n", "[llm] max_in_flight = 0: expected a number ≥ 1"),
    ("[llm]\nmax_in_flight = 8.5\n", "[llm] max_in_flight = 8.5: expected a whole number"),
    ('[llm]\nprovider = "anthropic"\n', '[llm] provider = "anthropic": expected one of "openai"'),
    ("out = 5\n", "out = 5: expected a path"),
    ('[categories]\nkernel = "csrc/**"\n', '[categories] kernel = "csrc/**": expected a list'),
    ("[categories]\nkernel = [1, 2]\n", "[categories] kernel.0 = 1: expected text"),
    ('lang = "fr"\n', 'lang = "fr": expected one of "zh" or "en"'),
    ("explain = 1\n", "explain = 1: expected true or false"),
    ("high_threshold = 1.5\n", "high_threshold = 1.5: expected a number ≤ 1"),
    ("frobnicate = 1\n", "unknown setting frobnicate (known: branch,"),
    ("[llm]\nfrobnicate = 1\n", "unknown setting [llm] frobnicate (known: api_key,"),
    ('[[repos]]\nurl = "https://github.com/a/b"\npath = "/x"\n', "repos[1] = "),
    ('[[sinks]]\ntype = "slack"\n', "sinks[1] = "),
    ('[[sinks]]\nurl = "https://x"\n', "sinks[1].type: missing (required)"),
    ("tz = \n", "invalid TOML"),
])
def test_a_bad_value_is_one_line_naming_file_key_value_and_expectation(tmp_path, cli, toml, needle):
    conf = tmp_path / "commitradar.toml"
    conf.write_text(toml)
    res = cli("report", "--date", "2026-03-10", cwd=tmp_path)
    assert_one_line_error(res, str(conf), needle)
    assert res.returncode == 2 and not (tmp_path / "reports").exists()


def test_a_bad_value_in_the_file_is_an_error_even_when_a_flag_overrides_it(tmp_path, cli):
    (tmp_path / "commitradar.toml").write_text("out = { a = 1 }\n")
    res = cli("report", "--date", "2026-03-10", "--out", tmp_path / "o", cwd=tmp_path)
    assert_one_line_error(res, "commitradar.toml", 'out = {"a": 1}: expected a path')
    assert not (tmp_path / "o").exists()


def test_flags_override_environment_override_file(tmp_path):
    conf = tmp_path / "commitradar.toml"
    conf.write_text('tz = "UTC"\nlang = "en"\n[llm]\nmodel = "from-file"\nmax_in_flight = 3\n')
    cfg, sources = load_config_with_sources(conf, env={"COMMITRADAR_TZ": "Europe/Paris"},
                                            overrides={"llm.max_in_flight": 5}, flag_names={"llm.max_in_flight": "--max-in-flight"})
    assert (cfg.tz, cfg.lang, cfg.llm.model, cfg.llm.max_in_flight) == ("Europe/Paris", "en", "from-file", 5)
    assert sources["tz"] == "environment COMMITRADAR_TZ" and sources["lang"] == str(conf)
    assert sources["llm.max_in_flight"] == "flag --max-in-flight" and sources["llm.model"] == str(conf)
    assert "classifier" not in sources  # a default


def test_lookup_order_cwd_then_git_root_then_pyproject(tmp_path):
    repo = GitRepo(tmp_path / "proj")
    repo.commit("init", {"README.md": "x\n"}, when="2026-03-10T09:00:00+00:00")
    sub = repo.path / "pkg" / "deep"
    sub.mkdir(parents=True)
    assert load_config(env={}, cwd=sub) == Config()  # nothing anywhere: defaults
    (repo.path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.commitradar]\nlang = "en"\n')
    assert load_config(env={}, cwd=sub).lang == "en"
    (sub / "pyproject.toml").write_text('[tool.commitradar]\ntz = "UTC"\n')
    assert (load_config(env={}, cwd=sub).tz, load_config(env={}, cwd=sub).lang) == ("UTC", "zh")  # nearest pyproject
    (repo.path / "commitradar.toml").write_text('tz = "Europe/Paris"\n')
    assert load_config(env={}, cwd=sub).tz == "Europe/Paris"  # a commitradar.toml beats any pyproject
    (sub / "commitradar.toml").write_text('tz = "Asia/Tokyo"\n')
    assert load_config(env={}, cwd=sub).tz == "Asia/Tokyo"  # the current folder's first
    explicit = tmp_path / "other.toml"
    explicit.write_text('tz = "America/New_York"\n')
    assert load_config(explicit, env={}, cwd=sub).tz == "America/New_York"
    with pytest.raises(InputError, match="config file not found"):
        load_config(tmp_path / "missing.toml", env={})


def test_repos_accept_paths_urls_and_tables():
    cfg = Config.model_validate({"repos": ["/src/a", "https://github.com/o/b", "git@github.com:o/c.git",
                                           {"url": "https://github.com/o/d", "name": "o/d", "lang": "en"}]})
    assert [r.spec for r in cfg.repos] == ["/src/a", "https://github.com/o/b", "git@github.com:o/c.git",
                                           "https://github.com/o/d"]
    assert cfg.repos[0].path == Path("/src/a") and cfg.repos[1].url and cfg.repos[3].lang == "en"
    assert Config().repos == (RepoConfig(path=Path(".")),)


def test_config_command_says_where_each_value_came_from(tmp_path, cli):
    (tmp_path / "commitradar.toml").write_text('lang = "en"\n[llm]\napi_key = "sk-secret-value-123456789"\n')
    res = cli("config", "--tz", "UTC", cwd=tmp_path, env={"COMMITRADAR_LLM_MODEL": "m1"})
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert f'lang = "en"  # {tmp_path / "commitradar.toml"}' in lines
    assert 'tz = "UTC"  # flag --tz' in lines
    assert 'model = "m1"  # environment COMMITRADAR_LLM_MODEL' in lines
    assert 'classifier = "model"  # default' in lines
    assert "sk-secret-value" not in res.stdout and 'api_key = "***"' in res.stdout


def test_docs_configuration_md_is_generated_from_the_models():
    current = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert current == configuration_markdown(), "regenerate: commitradar config --docs > docs/configuration.md"
    for model in ("Config", "LLMConfig", "RepoConfig", "SinkConfig"):
        import commitradar.config as c

        for name in getattr(c, model).model_fields:
            assert f"| `{name}` |" in current, (model, name)
