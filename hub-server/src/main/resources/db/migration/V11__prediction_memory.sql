-- Memory's advice on a prediction (issue 14, guide section 20): the similar past incidents it
-- carries and why its recommended action is what it is, as one JSON document
-- {"similar":[{"memoryId","entity","at","similarity","action","outcome"}],"note":"..."}.
-- Portable SQL for H2 and PostgreSQL.

ALTER TABLE prediction ADD COLUMN memory_json VARCHAR(4096) DEFAULT '{}' NOT NULL;
