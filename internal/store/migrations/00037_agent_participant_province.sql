-- An agent's own participant record may be kept in another province than the agent (issue
-- 21): the agent keeps that province beside the id, so that reading an agent with its KPJ
-- names the province of both rows.

-- +goose Up
ALTER TABLE agents ADD COLUMN participant_province TEXT NOT NULL DEFAULT '';
UPDATE agents SET participant_province = COALESCE((SELECT p.province_code FROM participants p WHERE p.id = agents.participant_id), '');

-- +goose Down
ALTER TABLE agents DROP COLUMN participant_province;
