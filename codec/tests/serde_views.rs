//! Feature `serde`: records, views and positions serialize to the documented plain form
//! (`layout::ser`), checked against a hand-verified vector and over every testdata record.
#![cfg(feature = "serde")]

mod common;

use common::{all_vectors, vector};
use estreamer_codec::{Record, Records};
use serde_json::{Value, json};

#[test]
fn a_rule_message_serializes_field_by_field() {
    let v = vector("r066_rule_message.hex");
    let first = Records::new(&v.bytes, v.opts()).next().unwrap().unwrap();
    // testdata/records/r066_rule_message.hex, message 0 (values read off its rows).
    assert_eq!(
        serde_json::to_value(first).unwrap(),
        json!({
            "record_type": 66,
            "position": {"offset": 0, "bundle": null, "archive_timestamp": null},
            "record": {
                "layout": "rule_message",
                "fields": {
                    "generator_id": 1,
                    "rule_id": 1000003,
                    "rule_revision": 0,
                    "rendered_signature_id": 2000015,
                    "rule_uuid": "01234567-89ab-cdef-0123-456789abcdef",
                    "rule_revision_uuid": "fedcba98-7654-3210-fedc-ba9876543210",
                    "message": "LOCAL test rule",
                },
            },
        })
    );
    // The view alone is the `fields` map.
    let Record::RuleMessage(view) = first.record else {
        panic!("{:?}", first.record)
    };
    assert_eq!(
        serde_json::to_value(view).unwrap()["rendered_signature_id"],
        2000015
    );
}

#[test]
fn every_record_serializes_with_the_fields_it_visits() {
    let mut n = 0;
    for v in all_vectors() {
        for item in Records::new(&v.bytes, v.opts()).flatten() {
            let value = serde_json::to_value(item).unwrap();
            let record = &value["record"];
            let mut names = Vec::new();
            if item
                .record
                .visit_fields(|name, _| names.push(name))
                .is_some()
            {
                let fields = record["fields"].as_object().unwrap();
                let mut keys: Vec<&str> = fields.keys().map(String::as_str).collect();
                keys.retain(|k| *k != "trailing");
                names.dedup();
                let mut want: Vec<&str> = names.clone();
                want.sort_unstable();
                want.dedup();
                keys.sort_unstable();
                assert_eq!(keys, want, "{}: {record}", v.name);
            } else {
                assert!(record["data"].is_string(), "{}: {record}", v.name);
            }
            assert_eq!(
                value["record_type"],
                Value::from(item.event.record_type().0)
            );
            n += 1;
        }
    }
    assert!(n > 100, "{n}");
}
