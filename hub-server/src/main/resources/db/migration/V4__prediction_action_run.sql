-- The decisions of one run (ListPredictionActions by run_id; cc runs get).
CREATE INDEX ix_prediction_action_run ON prediction_action (run_id);
