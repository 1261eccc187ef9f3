-- A message captured before its media was downloaded: its deliveries are held (the instance's lane waits at
-- them) until the worker's follow-up brings the media links, or until held_until, when the lane delivers
-- them as they are (downloadError: the worker died during the download). NULL: not held.
ALTER TABLE deliveries ADD COLUMN held_until timestamptz;
