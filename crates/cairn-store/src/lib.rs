//! Storage of records, findings and evidence blobs.
