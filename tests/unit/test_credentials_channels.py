"""Every connector in credentials.yml or channels/messaging.yml loads through Rasa's own class loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = (ROOT / "credentials.yml", ROOT / "channels" / "messaging.yml")
EXPECTED_NAMES = {
    "channels.rest.RestInput": "rest",
    "channels.socketio.SocketIOInput": "socketio",
    "channels.sms.SmsInput": "twilio",
    "channels.slack.SlackInput": "slack",
    "channels.telegram.TelegramInput": "telegram",
    "channels.facebook.FacebookInput": "facebook",
}


@pytest.mark.rasa
def test_every_configured_channel_class_loads_with_its_rasa_name() -> None:
    from rasa.shared.utils.common import class_from_module_path

    configured = {name for path in FILES for name in yaml.safe_load(path.read_text())}
    assert configured == set(EXPECTED_NAMES)
    for path, name in EXPECTED_NAMES.items():
        assert class_from_module_path(path).name() == name


def test_rasa_reads_the_repository_credentials_file_without_any_variable() -> None:
    """`rasa run` in the checkout: credentials.yml has no `${VAR}` Rasa would refuse to expand."""
    text = FILES[0].read_text()
    assert "${" not in text
    assert set(yaml.safe_load(text)) == {"channels.rest.RestInput", "channels.socketio.SocketIOInput"}
