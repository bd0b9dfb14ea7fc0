"""Which fields each level of an instrument set carries in its plain-data form.

The JSON fixtures, the xlsx workbook and the edit forms all read these lists, so a field
added to a model reaches every format from here.
"""

SET_FIELDS = (
    "code",
    "version",
    "name",
    "legal_number",
    "legal_date",
    "legal_title",
    "description",
    "assumption",
    "regulation_conflict",
    "final_combine",
    "predicate_name",
    "predicate_rounding",
    "decision_basis",
    "award_for_others",
    "working_days",
    "reference",
)
STAGE_FIELDS = (
    "order",
    "code",
    "name",
    "scorer_label",
    "member_combine",
    "aspect_combine",
    "weight",
    "max_score",
    "shortlist_size",
    "disqualify_if_incomplete",
    "min_team_size",
    "deadline_note",
    "submit_days",
    "verify_days",
    "repair_days",
    "presentation_limits",
    "reference",
    "assumption",
)
ASPECT_FIELDS = (
    "order",
    "code",
    "name",
    "weight",
    "max_score",
    "indicator_combine",
    "counts_toward_total",
    "reference",
    "assumption",
)
INDICATOR_FIELDS = (
    "order",
    "code",
    "group",
    "text",
    "guidance",
    "help_text",
    "kind",
    "entered_by",
    "min_value",
    "max_value",
    "integer_only",
    "weight",
    "evidence_required",
    "evidence_note",
    "evidence_types",
    "informational",
    "kecamatan_answers",
    "params",
    "reference",
    "assumption",
)
OPTION_FIELDS = ("order", "code", "label", "score", "reference", "assumption")
BAND_FIELDS = (
    "order",
    "label",
    "lower",
    "lower_inclusive",
    "upper",
    "upper_inclusive",
    "consequence",
    "reference",
    "assumption",
)
TIE_BREAK_FIELDS = (
    "order",
    "stage",
    "aspect",
    "indicator",
    "higher_wins",
    "description",
    "reference",
    "assumption",
)
AWARD_FIELDS = ("rank", "label", "prizes", "reference", "assumption")

SET_EDITABLE_FIELDS = tuple(name for name in SET_FIELDS if name not in ("code", "version"))
