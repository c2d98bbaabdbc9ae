"""Canonical schema: valid frames pass typed; each rule violation is named."""

from __future__ import annotations

import pandas as pd
import pytest

from engagement_lib import schema
from engagement_lib.errors import SchemaError


def _posts(**overrides):
    base = {
        "collectivite": ["toulouse", "toulouse"],
        "account": ["toulouse_facebook", "toulouse_x"],
        "network": ["facebook", "x"],
        "post_id": ["951745098223517_980422845355742", "649293177409679360"],
        "published_at": pd.to_datetime(["2018-03-31 23:30", "2018-04-01 08:00"], utc=True),
        "media_type": ["photo", "text"],
        "topic": ["event_culture", None],
        "label": [None, None],
        "text": ["Fête de la musique !", "Travaux rue d'Alsace-Lorraine"],
        "permalink": [None, "https://twitter.com/Toulouse/status/649293177409679360"],
        "is_paid": [False, None],
        **{m: [10, None] for m in schema.METRICS},
        "metric_era": ["impressions", None],
        "exported_at": pd.to_datetime(["2018-05-01", "2018-05-01"], utc=True),
        "source_format": ["facebook_insights_legacy", "x_tweet_activity"],
        "source_file": ["a.csv", "b.csv"],
        "source_row": [3, 2],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_valid_posts_come_back_typed_and_caller_frame_untouched():
    raw = _posts()
    before = raw.copy()
    typed = schema.validate(raw, "posts")
    pd.testing.assert_frame_equal(raw, before)
    assert isinstance(typed["network"].dtype, pd.CategoricalDtype)
    assert list(typed["network"].cat.categories) == [n.value for n in schema.Network]
    assert str(typed["likes"].dtype) == "Int64"
    assert typed["likes"].isna().tolist() == [False, True]  # NA stays NA, never 0
    assert typed["published_at"].dt.tz is not None


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"post_id": [1.2215800000000001e17, 3.0]}, "'post_id' has the wrong type"),
        ({"post_id": ["1.22158E+17", "3"]}, "Excel-mangled IDs"),
        (
            {"published_at": pd.to_datetime(["2018-01-01 10:00", "2018-01-02 10:00"])},
            "'published_at': naive datetime",
        ),
        ({"likes": [-1, 2]}, "'likes' must not be negative: row 0: -1"),
        ({"network": ["myspace", "x"]}, "'network': 1 unknown value(s) (row 0: 'myspace')"),
        ({"media_type": ["photo", "hologram"]}, "'media_type': 1 unknown value(s) (row 1: 'hologram')"),
        ({"post_id": ["1", "1"]}, "'post_id' must be unique"),
    ],
)
def test_invalid_posts_are_rejected_with_a_message_naming_the_problem(override, expected):
    with pytest.raises(SchemaError) as info:
        schema.validate(_posts(**override), "posts")
    assert expected in str(info.value)
    assert str(info.value).startswith("posts: ")


def test_missing_columns_are_listed():
    with pytest.raises(SchemaError, match=r"missing column\(s\): .*published_at"):
        schema.validate(_posts().drop(columns=["published_at"]), "posts")


def test_unknown_table_lists_the_known_ones():
    with pytest.raises(SchemaError, match="expected one of posts, followers"):
        schema.validate(_posts(), "tweets")


def test_conversations_reject_reply_before_receipt_and_real_names():
    conv = pd.DataFrame(
        {
            "collectivite": ["romans_sur_isere"] * 2,
            "account": ["romans_facebook"] * 2,
            "network": ["facebook"] * 2,
            "conversation_id": ["c1", "c2"],
            "channel": ["comment", "message"],
            "received_at": pd.to_datetime(["2018-06-01 10:00", "2018-06-01 11:00"], utc=True),
            "replied_at": pd.to_datetime(["2018-06-01 09:00", None], utc=True),
            "author": ["Jean Dupont", "9f86d081884c7d65"],
            "post_id": [None, None],
            "source_format": [None, None],
            "source_file": [None, None],
            "source_row": [None, None],
        }
    )
    with pytest.raises(SchemaError) as info:
        schema.validate(conv, "conversations")
    message = str(info.value)
    assert "replied_at earlier than received_at" in message
    assert "'author'" in message and "Jean Dupont" in message


def test_followers_one_row_per_account_and_day():
    day = pd.Timestamp("2018-01-01", tz="UTC")
    followers = pd.DataFrame(
        {
            "collectivite": ["toulouse"] * 2, "account": ["t"] * 2, "network": ["x"] * 2,
            "date": [day, day], "followers": [100, 101],
            "new_followers": [None, None], "lost_followers": [None, None],
            "source_format": [None] * 2, "source_file": [None] * 2, "source_row": [None] * 2,
        }
    )
    with pytest.raises(SchemaError, match="duplicate"):
        schema.validate(followers, "followers")
    ok = schema.validate(followers.iloc[:1], "followers")
    assert str(ok["followers"].dtype) == "Int64"


def test_empty_tables_have_canonical_columns_and_validate():
    for name in ("posts", "followers", "audience", "conversations"):
        frame = schema.empty(name)
        assert len(frame) == 0
        schema.validate(frame, name)
    assert set(schema.METRICS) <= set(schema.empty("posts").columns)
