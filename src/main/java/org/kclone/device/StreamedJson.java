package org.kclone.device;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that util-linux prints ({@code lsblk --json}, {@code losetup --json}) read with
 * jackson-core's streaming parser into plain values: {@link Map} (objects, in their order),
 * {@link List}, {@link String}, {@link Number} (Integer, Long or BigInteger; Double),
 * {@link Boolean} and {@link #NULL}. Jackson's ObjectMapper tree, which this replaces, cost about
 * 0.2 CPU-s on its first use in a JVM (building databind's deserializers), in every kclone command
 * that lists the devices; this costs a few ms. The accessors answer as JsonNode's {@code path},
 * {@code get}, iteration, {@code asText}, {@code asLong} and {@code asInt} did, odd shapes included
 * (numbers as strings, JSON null, a missing field), so what is read from it comes out the same.
 */
final class StreamedJson {

    /** JSON's null (a field that is absent is Java's null: {@link #get} and {@link #path} tell them apart). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    /** What {@link #path} gives for a field that is absent (JsonNode's MissingNode). */
    private static final Object MISSING = new Object();

    private static final JsonFactory FACTORY = new JsonFactory();

    private StreamedJson() {
    }

    /** The first JSON value in {@code json} (what follows it is not read); no value at all reads as missing. */
    static Object read(String json) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return p.nextToken() == null ? MISSING : value(p);
        }
    }

    private static Object value(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT: {
                Map<String, Object> fields = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    fields.put(name, value(p)); // a repeated name: the last value, as databind's tree
                }
                return fields;
            }
            case START_ARRAY: {
                List<Object> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(value(p));
                }
                return items;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return NULL;
            default:
                throw new IOException("unexpected " + p.currentToken() + " in the JSON");
        }
    }

    /** The field's value; JSON null is {@link #NULL}; absent (or {@code node} no object): Java's null. */
    static Object get(Object node, String field) {
        return node instanceof Map<?, ?> m ? m.get(field) : null;
    }

    /** As {@link #get}, but absent is a missing value (iterates as empty, reads as the defaults). */
    static Object path(Object node, String field) {
        Object v = get(node, field);
        return v == null ? MISSING : v;
    }

    /** The items of an array, the values of an object, nothing for anything else. */
    static Iterable<?> items(Object node) {
        if (node instanceof List<?> l) {
            return l;
        }
        if (node instanceof Map<?, ?> m) {
            return m.values();
        }
        return List.of();
    }

    /** JsonNode.asText: a string itself, a number or boolean as written, "null", "" for objects, arrays and missing. */
    static String asText(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number || v instanceof Boolean || v == NULL) {
            return String.valueOf(v);
        }
        return "";
    }

    /** JsonNode.asText(dflt): the default for null and missing, else as {@link #asText(Object)}. */
    static String asText(Object v, String dflt) {
        return v == NULL || v == MISSING || v == null ? dflt : asText(v);
    }

    /** JsonNode.asLong(dflt): numbers truncated, strings parsed leniently, booleans 1/0, else (null too) the default. */
    static long asLong(Object v, long dflt) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof String s) {
            return NumberInput.parseAsLong(s, dflt);
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return dflt;
    }

    /** JsonNode.asInt(dflt), as {@link #asLong}. */
    static int asInt(Object v, int dflt) {
        if (v instanceof Number n) {
            return n.intValue();
        }
        if (v instanceof String s) {
            return NumberInput.parseAsInt(s, dflt);
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return dflt;
    }
}
