package bnagpt.devs.model;

/** A saved conversation could not be read or written; the message is a sentence for the user. */
public final class StoreException extends RuntimeException {
    public StoreException(String sentence) {
        super(sentence, null, false, false);
    }
}
