"""Run by the interop tests in a fresh interpreter: what the real argostranslate sees.

``python argos_probe.py list`` prints, as JSON, every package ``argostranslate.package`` lists
(in its own scan order) after loading it the way argostranslate does (``Package``: metadata and
SentencePiece tokenizer) and opening its model with CTranslate2 as ``argostranslate.translate``
would. ``python argos_probe.py install X.argosmodel`` runs argostranslate's own
``install_from_path``. argostranslate reads its settings (environment, ``settings.json``) at import,
so each call is a new process with the test's environment.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path


def main() -> None:
    action = sys.argv[1]
    if action == "install":
        # install_from_path ends with argostranslate.translate's cache clear, and importing that
        # module loads torch and stanza, which the test environment deliberately lacks. Only that
        # one call is replaced; the extraction is argostranslate's own code.
        stub = types.ModuleType("argostranslate.translate")
        stub.get_installed_languages = types.SimpleNamespace(cache_clear=lambda: None)  # type: ignore[attr-defined]
        sys.modules["argostranslate.translate"] = stub
        import argostranslate.package as ap

        ap.install_from_path(Path(sys.argv[2]))
        return
    import argostranslate.package as ap
    import argostranslate.settings as st
    import ctranslate2

    out = {"packages_dir": str(st.package_data_dir), "packages": []}
    for pkg in ap.get_installed_packages():
        tokens = pkg.tokenizer.encode("Hello world.")
        model = ctranslate2.Translator(str(pkg.package_path / "model"), device="cpu", compute_type="int8")
        result = model.translate_batch([tokens], max_decoding_length=8)
        out["packages"].append({
            "pair": f"{pkg.from_code}-{pkg.to_code}", "version": pkg.package_version,
            "folder": pkg.package_path.name, "tokens": len(tokens), "decoded": bool(result[0].hypotheses[0]),
        })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
