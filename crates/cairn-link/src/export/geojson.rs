//! GeoJSON of clusters' places (points) and moves (lines), from gazetteer coordinates.

use crate::cluster::Cluster;
use serde_json::{Value, json};
use std::collections::HashMap;

/// A FeatureCollection: one Point per (cluster, place) with coordinates, one LineString per move
/// whose two ends have coordinates. Longitude first, as GeoJSON requires.
pub fn geojson(clusters: &[&Cluster]) -> Value {
    let mut features = Vec::new();
    for c in clusters {
        let mut coords: HashMap<&str, [f64; 2]> = HashMap::new();
        for p in &c.place_details {
            let (Some(lat), Some(lon)) = (p.lat, p.lon) else {
                continue;
            };
            coords.insert(p.id.as_str(), [lon, lat]);
            features.push(json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "kind": "place", "cluster": c.id, "place_id": p.id, "name": p.name,
                    "country": p.country, "records": p.records,
                },
            }));
        }
        for (i, m) in c.moves.iter().enumerate() {
            let (Some(a), Some(b)) = (coords.get(m.from_id.as_str()), coords.get(m.to_id.as_str()))
            else {
                continue;
            };
            features.push(json!({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [a, b]},
                "properties": {
                    "kind": "move", "cluster": c.id, "order": i + 1, "from": m.from, "to": m.to,
                    "date": m.date, "record": m.record,
                },
            }));
        }
    }
    json!({"type": "FeatureCollection", "features": features})
}
