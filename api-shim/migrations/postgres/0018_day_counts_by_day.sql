-- The timeline's day counts and the ROOM totals follow inserts once per statement (SPEC V4, V5):
-- a bulk insert adds each day once, where the row triggers of 0001 ran two PL/pgSQL calls per
-- item. And a day that reaches zero is dropped by its own key: the old function swept every day
-- of the ROOM after each insert or delete (thousands of rows, and every dead version of them
-- inside a long transaction). A million-item insert: minutes → seconds.
CREATE OR REPLACE FUNCTION day_counts_add(p_user BIGINT, p_room BIGINT, p_kind TEXT, p_time BIGINT, p_delta BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    p_day TEXT := to_char(to_timestamp(p_time) AT TIME ZONE 'UTC', 'YYYY-MM-DD');
BEGIN
    INSERT INTO day_counts (user_id, room, kind, day, count)
    VALUES (p_user, p_room, p_kind, p_day, p_delta)
    ON CONFLICT (user_id, room, kind, day) DO UPDATE SET count = day_counts.count + p_delta;
    IF p_delta < 0 THEN
        DELETE FROM day_counts
        WHERE user_id = p_user AND room = p_room AND kind = p_kind AND day = p_day AND count <= 0;
    END IF;
END;
$$;

DROP TRIGGER day_counts_insert ON items;
DROP TRIGGER room_totals_insert ON items;
DROP FUNCTION day_counts_insert();
DROP FUNCTION room_totals_insert();

CREATE FUNCTION items_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO day_counts (user_id, room, kind, day, count)
    SELECT user_id, room, kind, to_char(to_timestamp(local_time) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
           COUNT(*)
    FROM inserted GROUP BY 1, 2, 3, 4
    ON CONFLICT (user_id, room, kind, day) DO UPDATE SET count = day_counts.count + excluded.count;
    INSERT INTO room_totals (user_id, room, items, bytes)
    SELECT user_id, room, COUNT(*), SUM(size) FROM inserted GROUP BY 1, 2
    ON CONFLICT (user_id, room) DO UPDATE
        SET items = room_totals.items + excluded.items, bytes = room_totals.bytes + excluded.bytes;
    RETURN NULL;
END;
$$;

CREATE TRIGGER items_inserted AFTER INSERT ON items
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION items_inserted();
