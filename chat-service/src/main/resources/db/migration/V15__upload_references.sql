-- Orphaned uploads: a file no message carried (extra.fileId) within kefu.chat.upload.orphan-after is
-- deleted by the job upload-orphan-sweep. file_path is now the key in the upload store (a directory or
-- an S3 bucket), still yyyy/MM/dd/<file_name>.

alter table uploaded_file add column referenced_at timestamptz;
-- Files stored before the sweep existed are kept: nothing recorded whether a message carried them.
update uploaded_file set referenced_at = uploaded_at;
create index uploaded_file_unreferenced on uploaded_file (uploaded_at) where referenced_at is null;
