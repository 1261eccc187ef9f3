"""docs/configuration.md is generated from the settings and cannot drift from them."""

from __future__ import annotations

from gateway.core.config import Settings
from tests.support.config_doc import DOC, render


def test_every_setting_has_a_description() -> None:
    assert [n for n, f in Settings.model_fields.items() if not (f.description or "").strip()] == []


def test_configuration_doc_is_generated_from_the_settings() -> None:
    assert DOC.read_text() == render(), "run: python -m tests.support.config_doc"


def test_security_doc_states_the_real_body_limit() -> None:
    limit = Settings.model_fields["max_body_bytes"].default
    text = (DOC.parent / "security.md").read_text()
    assert f"`ZAPGATE_MAX_BODY_BYTES` ({limit // 2**20} MiB default)" in text


def test_docs_cite_only_files_in_the_repository() -> None:
    root = DOC.parents[1]
    texts = [p.read_text() for p in [*root.glob("docs/*.md"), root / "README.md", *root.glob("gateway/**/*.py"),
                                     *root.glob("dispatch/*.py")]]
    assert not [t for t in texts if "reference/neonize.md" in t or "reference/zapi.md" in t]
