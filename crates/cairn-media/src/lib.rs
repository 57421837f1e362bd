//! Media hashing (PDQ, MD5, SHA-1, SHA-256), hash lists and the match index.
