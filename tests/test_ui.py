"""Errors print as text: strings from users are never interpreted as Rich markup."""

from __future__ import annotations

from pubkit import ui
from pubkit.errors import Location, PubkitError


def test_markup_in_a_message_is_printed_verbatim(capsys):
    err = PubkitError("correction find '[/note]' matches nothing [bold]x[/bold]",
                      location=Location("seeds/a.yaml", 3), hint="remove [/] or fix it")
    ui.print_error(err)
    out = capsys.readouterr().err
    assert "'[/note]' matches nothing [bold]x[/bold]" in out
    assert "seeds/a.yaml:3" in out
    assert "remove [/] or fix it" in out


def test_plain_string_with_markup(capsys):
    ui.print_error("interrupted [/x]")
    assert "interrupted [/x]" in capsys.readouterr().err
