//! Analysis functions over Arrow record batches, in the shapes DataFusion expects of UDFs: a
//! scalar function (array in, array of the same length out) and an aggregate over batches of
//! occurrences. Same rules as the rest of the crate: they build a [`LinkInput`] and partition it.

use crate::config::LinkConfig;
use crate::input::{LinkInput, RecordMeta, SelectorKind};
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use std::collections::HashMap;
use std::sync::Arc;

/// Batches of occurrences: one row per (record, selector) — `record`, `kind`, `value`, all Utf8,
/// plus an optional nullable `captured_at` (Utf8, RFC 3339).
pub fn occurrence_schema() -> Schema {
    Schema::new(vec![
        Field::new("record", DataType::Utf8, false),
        Field::new("kind", DataType::Utf8, false),
        Field::new("value", DataType::Utf8, false),
        Field::new("captured_at", DataType::Utf8, true),
    ])
}

/// Scalar: does a selector of this kind link records under `config`? (Null kind → null.)
pub fn links(kinds: &StringArray, config: &LinkConfig) -> BooleanArray {
    kinds
        .iter()
        .map(|k| k.map(|k| SelectorKind::parse(k).is_some_and(|k| config.is_strong(k))))
        .collect()
}

fn utf8<'a>(batch: &'a RecordBatch, name: &str) -> Result<Option<&'a StringArray>, ArrowError> {
    let Some(col) = batch.column_by_name(name) else {
        return Ok(None);
    };
    col.as_any()
        .downcast_ref::<StringArray>()
        .map(Some)
        .ok_or_else(|| ArrowError::SchemaError(format!("column {name} must be Utf8")))
}

/// Aggregate: the cluster of every record met in the batches (hubs suppressed, large components
/// split, stable ids from `previous`), as a batch of `record`, `cluster` (Utf8).
pub fn clusters(
    batches: &[RecordBatch],
    config: &LinkConfig,
    previous: &HashMap<String, String>,
) -> Result<RecordBatch, ArrowError> {
    let mut input = LinkInput::new();
    for (b, batch) in batches.iter().enumerate() {
        let need = |name: &str| {
            utf8(batch, name)?
                .ok_or_else(|| ArrowError::SchemaError(format!("batch {b}: no column {name}")))
        };
        let (records, kinds, values) = (need("record")?, need("kind")?, need("value")?);
        let times = utf8(batch, "captured_at")?;
        for row in 0..batch.num_rows() {
            if records.is_null(row) {
                return Err(ArrowError::InvalidArgumentError(format!(
                    "batch {b}, row {row}: null record"
                )));
            }
            let r = input.add_record(RecordMeta {
                id: records.value(row).to_owned(),
                captured_at: times
                    .filter(|t| !t.is_null(row))
                    .map(|t| t.value(row).to_owned()),
                ..Default::default()
            });
            if kinds.is_null(row) || values.is_null(row) {
                continue;
            }
            let kind = SelectorKind::parse(kinds.value(row)).ok_or_else(|| {
                ArrowError::InvalidArgumentError(format!(
                    "batch {b}, row {row}: unknown selector kind {:?}",
                    kinds.value(row)
                ))
            })?;
            input.add_selector(r, kind, values.value(row));
        }
    }
    let p = crate::partition(&input, config, previous)
        .map_err(|e| ArrowError::ComputeError(e.to_string()))?;
    let mut cluster_of = vec![""; input.records.len()];
    for (i, (members, _)) in p.groups.iter().enumerate() {
        for &r in members {
            cluster_of[r as usize] = p.ids[i].as_str();
        }
    }
    let record: ArrayRef = Arc::new(StringArray::from_iter_values(
        input.records.iter().map(|r| r.id.as_str()),
    ));
    let cluster: ArrayRef = Arc::new(StringArray::from_iter_values(cluster_of));
    RecordBatch::try_new(
        Arc::new(Schema::new(vec![
            Field::new("record", DataType::Utf8, false),
            Field::new("cluster", DataType::Utf8, false),
        ])),
        vec![record, cluster],
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn batch(rows: &[(&str, &str, &str)]) -> RecordBatch {
        let col = |i: usize| -> ArrayRef {
            Arc::new(StringArray::from_iter_values(rows.iter().map(
                |r| match i {
                    0 => r.0,
                    1 => r.1,
                    _ => r.2,
                },
            )))
        };
        let times: ArrayRef = Arc::new(StringArray::from(vec![None::<&str>; rows.len()]));
        RecordBatch::try_new(
            Arc::new(occurrence_schema()),
            vec![col(0), col(1), col(2), times],
        )
        .unwrap()
    }

    #[test]
    fn batches_give_the_same_clusters_as_the_library() {
        let b1 = batch(&[
            ("a", "phone", "+331"),
            ("b", "phone", "+331"),
            ("c", "place", "123"),
        ]);
        let b2 = batch(&[
            ("c", "email", "x@example.org"),
            ("d", "email", "x@example.org"),
            ("e", "price", "100"),
        ]);
        let out = clusters(&[b1, b2], &LinkConfig::default(), &HashMap::new()).unwrap();
        assert_eq!(out.num_rows(), 5);
        let rec = out
            .column(0)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        let cl = out
            .column(1)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap();
        let of: HashMap<&str, &str> = (0..5).map(|i| (rec.value(i), cl.value(i))).collect();
        assert_eq!(of["a"], of["b"]);
        assert_eq!(of["c"], of["d"]);
        assert_ne!(of["a"], of["c"]);
        assert_ne!(of["e"], of["a"]);
        assert_eq!(of["a"], crate::ids::fresh_id("a"));
    }

    #[test]
    fn bad_batches_are_named() {
        let b = batch(&[("a", "fax", "1")]);
        let e = clusters(&[b], &LinkConfig::default(), &HashMap::new()).unwrap_err();
        assert!(e.to_string().contains("batch 0, row 0") && e.to_string().contains("fax"));
    }

    #[test]
    fn links_is_a_scalar_of_the_same_length() {
        let kinds = StringArray::from(vec![Some("phone"), Some("place"), None, Some("nope")]);
        let out = links(&kinds, &LinkConfig::default());
        assert_eq!(out.len(), 4);
        assert_eq!(
            out.iter().collect::<Vec<_>>(),
            [Some(true), Some(false), None, Some(false)]
        );
    }
}
