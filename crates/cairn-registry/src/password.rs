//! Passwords of professionals: argon2id (the crate's defaults: v19, 19 MiB, t=2, p=1), PHC strings.

use crate::RegistryError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};

pub fn hash_password(password: &str) -> Result<String, RegistryError> {
    if password.chars().count() < 12 {
        return Err(RegistryError::invalid("password", "at least 12 characters"));
    }
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| RegistryError::invalid("password", e.to_string()))?;
    Ok(hash.to_string())
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}
