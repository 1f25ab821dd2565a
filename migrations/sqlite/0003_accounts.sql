-- Console accounts. Passwords are argon2id hashes (PHC strings). `session_epoch` is bumped to
-- sign an account out everywhere (password reset, disable, "sign out everywhere").
CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('user', 'support', 'admin')),
    relay_user_id  INTEGER UNIQUE,
    disabled       INTEGER NOT NULL DEFAULT 0,
    session_epoch  INTEGER NOT NULL DEFAULT 0,
    created_ms     INTEGER NOT NULL
);
