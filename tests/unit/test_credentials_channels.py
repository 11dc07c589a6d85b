"""Every connector named in credentials.yml loads through Rasa's own class loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CREDENTIALS = Path(__file__).resolve().parents[2] / "credentials.yml"
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

    configured = yaml.safe_load(CREDENTIALS.read_text())
    assert set(configured) == set(EXPECTED_NAMES)
    for path, name in EXPECTED_NAMES.items():
        assert class_from_module_path(path).name() == name
