-- Uploaded files (the seed's uploaded_files). The bytes live on disk under kefu.chat.upload.storage-dir;
-- a row exists only for a file that is completely in place.

create table uploaded_file (
    id               uuid primary key,
    tenant_id        uuid          not null,
    uploader_id      uuid          not null,
    uploader_type    varchar(16)   not null check (uploader_type in ('customer', 'staff', 'admin')),
    -- Who else may read it: everyone who can see this conversation. Set by the upload or by the
    -- first message of the uploader that carries the file (extra.fileId).
    conversation_id  uuid          references conversation (id) on delete set null,
    -- The client's name, sanitised (no path, no control characters); never used on disk.
    original_name    varchar(255)  not null,
    -- Generated: uuid + extension of the sniffed type.
    file_name        varchar(64)   not null,
    -- Relative to the storage directory: yyyy/MM/dd/<file_name>.
    file_path        varchar(500)  not null unique,
    file_size        bigint        not null check (file_size > 0),
    -- Sniffed from the bytes (Apache Tika), never the client's claim.
    mime_type        varchar(100)  not null,
    file_type        varchar(16)   not null check (file_type in ('image', 'voice', 'video', 'document')),
    sha256           char(64)      not null,
    uploaded_at      timestamptz   not null
);
create index uploaded_file_uploader on uploaded_file (uploader_id, uploaded_at);
create index uploaded_file_tenant on uploaded_file (tenant_id, uploaded_at);
create index uploaded_file_conversation on uploaded_file (conversation_id) where conversation_id is not null;
create index uploaded_file_type on uploaded_file (file_type);
