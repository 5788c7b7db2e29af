-- Fold models belong to their backtest, and a paper account remembers that it was running.
-- models.backtest_id: the walk-forward run that trained the model for one of its folds, or NULL for a
-- model the user trained. No foreign key: a run's fold models are trained before the run is stored
-- (one transaction at its end); the backtest domain deletes them with the run, or when the run fails.
ALTER TABLE models ADD COLUMN backtest_id TEXT;
CREATE INDEX models_by_backtest ON models (backtest_id) WHERE backtest_id IS NOT NULL;
-- Runs stored before this migration: their fold models are the ones the run trained (by their name);
-- a fold that reused a model of the user's keeps that model the user's.
UPDATE models SET backtest_id = (
  SELECT f.backtest_id FROM backtest_folds f WHERE f.model_id = models.id LIMIT 1
) WHERE name LIKE 'walk-forward fold %';

-- paper_accounts.resume: 1 while the account runs, so that the next start of the core resumes it.
ALTER TABLE paper_accounts ADD COLUMN resume INTEGER NOT NULL DEFAULT 0 CHECK (resume IN (0, 1));
