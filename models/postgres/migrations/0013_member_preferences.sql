-- A member's own settings for the booth (issue 16): plain, the linear
-- mode for screen readers and plain terminals, and lang, the language the
-- booth speaks ('' follows the locale the client sends). No row means
-- neither was set. Not election data: nothing here says anything about a
-- ballot, and rows carry no time.
CREATE TABLE member_preferences (
	member_id text COLLATE "C" PRIMARY KEY REFERENCES members (id),
	plain     boolean NOT NULL,
	lang      text NOT NULL
);
