"""Each channel adapter against a real server of its protocol, including its failures."""

from __future__ import annotations

import pytest

from app.notify.channels import (
    ConfigurationError,
    EmailChannel,
    Outgoing,
    PermanentFailure,
    SmsGateway,
    TemporaryFailure,
    ZaloZns,
)
from tests.notify.servers import Gateway, SmtpServer, free_port

VIETNAMESE = "Doanh nghiệp chưa nộp bản tự đánh giá kỳ Tuần 27/2021 — hạn 11/07/2021"


def _message(channel: str, recipient: str, key: str = "reminder:1:c1:due_day") -> Outgoing:
    return Outgoing(
        channel,
        recipient,
        "[ZoneRisk] Nhắc nộp " + VIETNAMESE[:20],
        VIETNAMESE,
        key,
        "due_today",
        {"company": "Công ty TNHH Ánh Dương"},
    )


def test_an_email_arrives_with_its_vietnamese_words_and_the_deduplication_key() -> None:
    with SmtpServer() as smtp:
        channel = EmailChannel("127.0.0.1", smtp.port, "zonerisk@bacgiang.gov.vn")
        delivery = channel.send(_message("email", "hr@anhduong.vn"))
        channel.close()
    (received,) = smtp.box.messages
    assert received["To"] == "hr@anhduong.vn"
    assert received["Subject"].startswith("[ZoneRisk] Nhắc nộp Doanh nghiệp")
    assert VIETNAMESE in received.get_content()
    assert received["Message-ID"] == "<reminder.1.c1.due_day@zonerisk>" == delivery.provider_id


def test_a_long_vietnamese_subject_arrives_with_every_space() -> None:
    """Folded into several encoded words, a subject lost the space at each fold ("quá hạn" came as
    "quáhạn"): the headers are now written unfolded, as RFC 5322 allows up to 998 characters."""
    from dataclasses import replace

    subject = "[ZoneRisk] 69 việc khắc phục đã quá hạn trong phạm vi quản lý của Ban Quản lý các KCN tỉnh"
    with SmtpServer() as smtp:
        channel = EmailChannel("127.0.0.1", smtp.port, "zonerisk@bacgiang.gov.vn")
        channel.send(replace(_message("email", "bql@bacgiang.gov.vn"), subject=subject))
        channel.close()
    (received,) = smtp.box.messages
    assert received["Subject"] == subject


def test_a_refused_smtp_login_is_a_configuration_error_and_the_right_one_sends() -> None:
    with SmtpServer(user="zonerisk", password="dung-mat-khau") as smtp:
        wrong = EmailChannel("127.0.0.1", smtp.port, "zr@bacgiang.gov.vn", "zonerisk", "sai-mat-khau")
        with pytest.raises(ConfigurationError, match=r"refused the login.*ZONERISK_SMTP_PASSWORD"):
            wrong.send(_message("email", "hr@anhduong.vn"))
        right = EmailChannel("127.0.0.1", smtp.port, "zr@bacgiang.gov.vn", "zonerisk", "dung-mat-khau")
        right.send(_message("email", "hr@anhduong.vn"))
        right.close()
    assert len(smtp.box.messages) == 1


def test_a_refused_recipient_is_permanent_and_a_server_that_is_down_is_temporary() -> None:
    with SmtpServer() as smtp:
        smtp.box.refuse.add("nobody@anhduong.vn")
        channel = EmailChannel("127.0.0.1", smtp.port, "zr@bacgiang.gov.vn")
        with pytest.raises(PermanentFailure, match="550"):
            channel.send(_message("email", "nobody@anhduong.vn"))
        channel.send(_message("email", "hr@anhduong.vn", key="k2"))  # the connection still serves
        channel.close()
    assert [m["To"] for m in smtp.box.messages] == ["hr@anhduong.vn"]
    down = EmailChannel("127.0.0.1", free_port(), "zr@bacgiang.gov.vn", timeout=2)
    with pytest.raises(TemporaryFailure):
        down.send(_message("email", "hr@anhduong.vn"))


def test_the_sms_gateway_gets_the_text_the_token_and_the_key_and_its_errors_are_sorted() -> None:
    with Gateway() as gateway:
        sms = SmsGateway(gateway.url, "token-123", timeout=10)
        first = sms.send(_message("sms", "+84912345678"))
        again = sms.send(_message("sms", "+84912345678"))  # the same key: the gateway delivers once
        assert first.provider_id == again.provider_id == "m1"
        request = gateway.requests[0]
        assert request["body"] == {
            "to": "+84912345678",
            "text": VIETNAMESE,
            "sender": "ZoneRisk",
            "reference": "reminder:1:c1:due_day",
        }
        assert request["headers"]["Authorization"] == "Bearer token-123"
        assert request["headers"]["Idempotency-Key"] == "reminder:1:c1:due_day"
        gateway.answers.extend([500, 429, "timeout", 400])
        impatient = SmsGateway(gateway.url, "token-123", timeout=0.2)  # for the answer that never comes
        for client, failure in (
            (sms, TemporaryFailure),
            (sms, TemporaryFailure),
            (impatient, TemporaryFailure),
            (sms, PermanentFailure),
        ):
            with pytest.raises(failure):
                client.send(_message("sms", "+84912345678", key="k-fail"))
        impatient.close()
        assert sms.send(_message("sms", "+84912345678", key="k-after")).provider_id == "m2"  # reconnects
        sms.close()


def test_zalo_gets_its_template_id_and_values_and_a_number_without_zalo_is_permanent() -> None:
    with Gateway(zalo=True) as gateway:
        zalo = ZaloZns(gateway.url, "oa-token", {"due_today": "231456"}, timeout=10)
        assert zalo.send(_message("zalo", "+84912345678")).provider_id == "m1"
        body = gateway.requests[0]["body"]
        assert body == {
            "phone": "84912345678",
            "template_id": "231456",
            "template_data": {"company": "Công ty TNHH Ánh Dương"},
            "tracking_id": "reminder:1:c1:due_day",
        }
        assert gateway.requests[0]["headers"]["access_token"] == "oa-token"
        gateway.answers.append({"error": -118, "message": "Zalo account not existed"})
        with pytest.raises(PermanentFailure, match="-118"):
            zalo.send(_message("zalo", "+84912345679", key="k2"))
        gateway.answers.append({"error": -32, "message": "exceeded rate"})
        with pytest.raises(TemporaryFailure):
            zalo.send(_message("zalo", "+84912345679", key="k3"))
        with pytest.raises(PermanentFailure, match="no Zalo template id"):
            ZaloZns(gateway.url, "oa-token", {}).send(_message("zalo", "+84912345679", key="k4"))
        zalo.close()


def test_a_relay_without_starttls_is_a_configuration_error_that_names_the_setting() -> None:
    with SmtpServer() as smtp:
        channel = EmailChannel("127.0.0.1", smtp.port, "zr@bacgiang.gov.vn", starttls=True)
        with pytest.raises(ConfigurationError, match=r"STARTTLS.*ZONERISK_SMTP_STARTTLS=false"):
            channel.send(_message("email", "hr@anhduong.vn"))
    assert smtp.box.messages == []


def test_a_line_break_in_a_subject_cannot_add_a_header() -> None:
    from dataclasses import replace

    with SmtpServer() as smtp:
        channel = EmailChannel("127.0.0.1", smtp.port, "zr@bacgiang.gov.vn")
        hostile = replace(_message("email", "hr@anhduong.vn"), subject="Tuần 27\r\nBcc: all@evil.example")
        channel.send(hostile)
        channel.close()
    (received,) = smtp.box.messages
    assert received["Subject"] == "Tuần 27 Bcc: all@evil.example" and received["Bcc"] is None


def test_a_gateway_answer_of_any_shape_is_read() -> None:
    with Gateway() as gateway:
        gateway.answers.extend([["queued"], {"id": ["not", "a", "string"]}, {}])
        sms = SmsGateway(gateway.url, "token")
        ids = [sms.send(_message("sms", "+84912345678", key=f"k{n}")).provider_id for n in range(3)]
        sms.close()
    assert ids == ["", "['not', 'a', 'string']", ""]
    with Gateway(zalo=True) as gateway:
        gateway.answers.extend([["ok"], {"error": "không"}])
        zalo = ZaloZns(gateway.url, "token", {"due_today": "231"})
        assert zalo.send(_message("zalo", "+84912345678", key="z1")).provider_id == ""
        with pytest.raises(PermanentFailure, match="không"):
            zalo.send(_message("zalo", "+84912345678", key="z2"))
        zalo.close()
