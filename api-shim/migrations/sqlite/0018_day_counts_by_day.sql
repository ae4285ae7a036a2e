-- A day that reaches zero is dropped by its own key: the old triggers swept every day of the
-- ROOM after each delete (thousands of rows per deleted item when a large ROOM is wiped).
DROP TRIGGER day_counts_delete;
DROP TRIGGER day_counts_move;

CREATE TRIGGER day_counts_delete AFTER DELETE ON items BEGIN
    UPDATE day_counts SET count = count - 1
    WHERE user_id = OLD.user_id AND room = OLD.room AND kind = OLD.kind
      AND day = strftime('%Y-%m-%d', OLD.local_time, 'unixepoch');
    DELETE FROM day_counts
    WHERE user_id = OLD.user_id AND room = OLD.room AND kind = OLD.kind
      AND day = strftime('%Y-%m-%d', OLD.local_time, 'unixepoch') AND count <= 0;
END;

CREATE TRIGGER day_counts_move AFTER UPDATE OF local_time ON items
WHEN OLD.local_time IS NOT NEW.local_time BEGIN
    UPDATE day_counts SET count = count - 1
    WHERE user_id = OLD.user_id AND room = OLD.room AND kind = OLD.kind
      AND day = strftime('%Y-%m-%d', OLD.local_time, 'unixepoch');
    DELETE FROM day_counts
    WHERE user_id = OLD.user_id AND room = OLD.room AND kind = OLD.kind
      AND day = strftime('%Y-%m-%d', OLD.local_time, 'unixepoch') AND count <= 0;
    INSERT INTO day_counts (user_id, room, kind, day, count)
    VALUES (NEW.user_id, NEW.room, NEW.kind, strftime('%Y-%m-%d', NEW.local_time, 'unixepoch'), 1)
    ON CONFLICT (user_id, room, kind, day) DO UPDATE SET count = count + 1;
END;
