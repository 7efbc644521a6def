"""Anonymity (2.3): no_name and no_address."""

from __future__ import annotations

from classify.anonymity import detect_anonymity
from classify.types import Applicant


def test_identified_person_with_email_is_not_anonymous() -> None:
    assert detect_anonymity(Applicant("individual", "Орлов", "Юрий", email="o@ya.ru"))[0] == ()


def test_first_name_alone_is_no_name() -> None:
    assert detect_anonymity(Applicant("unknown", first_name="Оксана", email="o@ya.ru"))[0] == ("no_name",)


def test_organisation_is_identification() -> None:
    assert detect_anonymity(Applicant("legal_entity", organization="ООО «Лес»", email="l@ya.ru"))[0] == ()


def test_phone_is_not_an_address() -> None:
    reasons, _ = detect_anonymity(Applicant("individual", "Орлов", "Юрий", phone="+79101234567"))
    assert reasons == ("no_address",)


def test_both() -> None:
    assert detect_anonymity(Applicant())[0] == ("no_name", "no_address")
