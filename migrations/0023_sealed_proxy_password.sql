-- An instance's proxy password, sealed (AES-256-GCM under a key derived from ZAPGATE_SECRET_KEY, the instance
-- id as associated data: gateway/core/sealing.py). proxy_password holds only what older zapgates stored in
-- clear; the api seals those rows at start and empties the column.
ALTER TABLE instances ADD COLUMN proxy_password_sealed bytea;
