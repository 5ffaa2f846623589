"""The API's bodies as OpenAPI publishes them. Descriptions Vietnamese first, then English."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Round(BaseModel):
    id: int
    name: str
    ruleset: str
    ruleset_version: int
    opens_on: str
    due_on: str
    due_at: str
    closed: bool


class Rounds(BaseModel):
    items: list[Round]


class Company(BaseModel):
    id: int
    tax_code: str = Field(description="Mã số thuế / tax code")
    name: str
    area: str = Field(description="KCN hoặc huyện / industrial zone or district")
    district: str
    area_code: str | None = Field(
        description="Mã GSO của huyện (hoặc xã, sau 1/7/2025) nơi doanh nghiệp hoạt động / the GSO code "
        "of the district (or commune, after 1 July 2025) the company is in"
    )
    sector: str
    workers: int | None
    updated_at: str | None
    submission_id: int | None = Field(description="Bản nộp hiện hành / the current submission")
    round_id: int | None
    status: str | None
    level: str | None = Field(description="Mức nguy cơ hiện tại / current risk level")
    risk_index: float | None
    may_operate: bool | None
    submitted_at: str | None


class CompanyPage(BaseModel):
    items: list[Company]
    next: str | None = Field(
        description="Con trỏ trang sau, null ở trang cuối / next page's cursor, null at the end"
    )


class Flag(BaseModel):
    rule: str
    severity: str


class Submission(BaseModel):
    id: int
    tax_code: str
    company: str
    area: str
    round_id: int
    round: str
    status: str
    is_latest: bool
    submitted_at: str | None
    updated_at: str | None
    total: int | None
    max_total: int | None
    risk_index: float | None
    level: str | None
    may_operate: bool | None
    ruleset: str
    ruleset_version: int
    criteria: dict[str, Any] = Field(description="Điểm theo tiêu chí / points per criterion")
    flags: list[Flag] = Field(description="Dấu hiệu cần xem lại / credibility flags")


class SubmissionPage(BaseModel):
    items: list[Submission]
    next: str | None


class AreaFiling(BaseModel):
    area: str
    name: str
    kind: str
    expected: int
    on_time: int
    late: int
    missing: int
    levels: dict[str, int]
    workers: int
    smartphone_owners: int
    bluezone_installed: int
    health_declared: int


class FilingStatus(BaseModel):
    round_id: int
    round: str
    due_at: str | None
    closed: bool
    areas: list[AreaFiling]
    totals: dict[str, int]


class ChannelEffect(BaseModel):
    channel: str
    sent: int
    failed: int
    filed_within_24h: int


class ReminderEffect(BaseModel):
    round_id: int
    reminded: int
    filed_after: int
    filed_before: int
    still_missing: int
    channels: list[ChannelEffect]


class Bilingual(BaseModel):
    vi: str
    en: str


class ReportingRegime(BaseModel):
    """Nghị định 09/2019/NĐ-CP, Điều 12 / Decree 09/2019, Article 12."""

    name: Bilingual
    content: Bilingual
    reporter: Bilingual
    receiver: Bilingual
    sending_method: Bilingual
    deadline: Bilingual
    frequency: Bilingual
    data_cut_off: Bilingual
    outline: Bilingual
    forms: Bilingual


class ChairmanFigures(BaseModel):
    regime: ReportingRegime
    round_id: int
    round: str
    report: dict[str, Any] = Field(description="Số liệu của báo cáo / the report's figures")


class FilingRequest(BaseModel):
    round_id: int = Field(ge=1, le=2**31 - 1, description="Kỳ đánh giá / the round")
    answers: dict[str, Any] = Field(description="Câu trả lời theo mã câu hỏi / answers by question id")


class Filed(BaseModel):
    id: int
    round_id: int
    status: str
    total: int | None
    max_total: int | None
    risk_index: float | None
    level: str | None
    may_operate: bool | None
    verify_url: str = Field(description="Đường dẫn xác minh / the /verify link")
    replayed: bool = Field(description="Đã nộp trước đó với cùng khóa / filed before with this key")


class SubscriptionRequest(BaseModel):
    url: str = Field(max_length=500)
    events: list[str] = Field(description="submitted, returned, approved, inspected")


class Subscription(BaseModel):
    id: int
    url: str
    events: list[str]
    created_at: str


class NewSubscription(Subscription):
    secret: str = Field(description="Chỉ hiện một lần / shown once; HMAC-SHA256 key")


class Subscriptions(BaseModel):
    items: list[Subscription]


class ProblemDetails(BaseModel):
    """RFC 9457."""

    type: str
    title: str
    status: int
    detail: str
    detail_vi: str
    detail_en: str
    instance: str
    errors: list[dict[str, str]] | None = None
