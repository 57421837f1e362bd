//! CASE/UCO JSON-LD: the records as observables with their provenance and the SHA-256 of the
//! captured evidence, the selectors, the relationships between them, the clusters, and the
//! investigative action (this link run) that produced them.
//!
//! `@id`s are built from hashes, never from the values themselves, so no value needs IRI
//! escaping; every value sits in a JSON string (serde_json escapes it).

use super::ExportGraph;
use crate::cluster::Cluster;
use crate::input::LinkInput;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn iri(prefix: &str, seed: &str) -> String {
    format!(
        "kb:{prefix}-{}",
        &hex::encode(Sha256::digest(seed.as_bytes()))[..32]
    )
}

fn hash_value(sha256: &str) -> Value {
    json!({
        "@type": "uco-types:Hash",
        "uco-types:hashMethod": {"@type": "uco-vocabulary:HashNameVocab", "@value": "SHA256"},
        "uco-types:hashValue": {"@type": "xsd:hexBinary", "@value": sha256},
    })
}

fn selector_facet(kind: &str, value: &str) -> Value {
    match kind {
        "phone" => {
            json!({"@type": "uco-observable:PhoneAccountFacet", "uco-observable:phoneNumber": value})
        }
        "email" => {
            json!({"@type": "uco-observable:EmailAddressFacet", "uco-observable:addressValue": value})
        }
        "image" | "image_group" => {
            json!({"@type": "uco-observable:ContentDataFacet", "uco-observable:hash": [hash_value(value)]})
        }
        "place" => {
            json!({"@type": "uco-location:SimpleAddressFacet", "uco-location:locality": value})
        }
        _ => {
            json!({"@type": "uco-observable:AccountFacet", "uco-observable:accountIdentifier": value, "uco-observable:accountType": kind})
        }
    }
}

/// The JSON-LD document. `tool_version` is Cairn's version; `now` the export time (RFC 3339).
pub fn case_uco(
    input: &LinkInput,
    graph: &ExportGraph,
    clusters: &[&Cluster],
    tool_version: &str,
    now: &str,
) -> Value {
    let mut items: Vec<Value> = Vec::new();
    let tool = "kb:tool-cairn".to_owned();
    items.push(json!({
        "@id": tool, "@type": "uco-tool:Tool", "uco-core:name": "cairn",
        "uco-tool:version": tool_version, "uco-tool:toolType": "link analysis",
    }));
    let mut record_ids = Vec::new();
    let mut results = Vec::new();
    for n in &graph.nodes {
        if n.kind == "record" {
            let rid = iri("record", &n.label);
            record_ids.push(json!({"@id": rid}));
            let mut facets = vec![json!({
                "@type": "uco-observable:ContentDataFacet",
                "uco-observable:hash": [hash_value(n.sha256.as_deref().unwrap_or_default())],
            })];
            if let Some(u) = &n.url {
                facets.push(
                    json!({"@type": "uco-observable:URLFacet", "uco-observable:fullValue": u}),
                );
            }
            let meta = input
                .record_index(&n.label)
                .map(|i| &input.records[i as usize]);
            items.push(json!({
                "@id": rid, "@type": "uco-observable:ObservableObject",
                "uco-core:name": n.label,
                "uco-core:description": "collected record (captured content); the payload is the evidence blob under its SHA-256",
                "uco-observable:observableCreatedTime": meta.and_then(|m| m.captured_at.clone()).map(|t| json!({"@type": "xsd:dateTime", "@value": t})),
                "uco-core:hasFacet": facets,
            }));
        } else {
            let value = n.id.splitn(3, ':').nth(2).unwrap_or_default();
            items.push(json!({
                "@id": iri("selector", &n.id), "@type": "uco-observable:ObservableObject",
                "uco-core:name": format!("{} {}", n.kind, n.label),
                "uco-core:tag": if n.common { vec!["common"] } else { Vec::new() },
                "uco-core:hasFacet": [selector_facet(&n.kind, value)],
            }));
        }
    }
    for e in &graph.edges {
        let rid = iri("relationship", &format!("{}|{}", e.source, e.target));
        results.push(json!({"@id": rid}));
        let source_label = e.source.strip_prefix("r:").unwrap_or(&e.source);
        items.push(json!({
            "@id": rid, "@type": "uco-core:Relationship",
            "uco-core:source": {"@id": iri("record", source_label)},
            "uco-core:target": {"@id": iri("selector", &e.target)},
            "uco-core:kindOfRelationship": format!("Contains_{}", e.kind),
            "uco-core:isDirectional": true,
            "uco-core:startTime": e.time.as_ref().map(|t| json!({"@type": "xsd:dateTime", "@value": t})),
        }));
    }
    for c in clusters {
        let cid = iri("cluster", &c.id);
        results.push(json!({"@id": cid}));
        items.push(json!({
            "@id": cid, "@type": "uco-core:ContextualCompilation",
            "uco-core:name": c.id,
            "uco-core:description": c.evidence.join("; "),
            "uco-core:object": c.records.iter().map(|r| json!({"@id": iri("record", r)})).collect::<Vec<_>>(),
        }));
    }
    let provenance = "kb:provenance-record-link".to_owned();
    items.push(json!({
        "@id": provenance, "@type": "case-investigation:ProvenanceRecord",
        "uco-core:description": "records collected and scanned by cairn; hashes are SHA-256 of the captured payloads",
        "uco-core:object": record_ids,
    }));
    items.push(json!({
        "@id": iri("action", now), "@type": "case-investigation:InvestigativeAction",
        "uco-core:name": "cairn link",
        "uco-core:description": "records linked through shared strong selectors; common selectors never link; flagged for human review",
        "uco-action:endTime": {"@type": "xsd:dateTime", "@value": now},
        "uco-action:instrument": {"@id": tool},
        "uco-action:object": [{"@id": provenance}],
        "uco-action:result": results,
    }));
    json!({
        "@context": {
            "kb": "http://example.org/kb/",
            "case-investigation": "https://ontology.caseontology.org/case/investigation/",
            "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
            "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
            "uco-location": "https://ontology.unifiedcyberontology.org/uco/location/",
            "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
            "uco-tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
            "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
            "uco-vocabulary": "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@graph": items,
    })
}
