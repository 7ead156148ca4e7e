create table demo_effect (
    id      bigserial primary key,
    subject varchar(100) not null
);
