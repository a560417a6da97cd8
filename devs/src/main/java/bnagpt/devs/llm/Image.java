package bnagpt.devs.llm;

/** An image to send with a question, already checked and scaled: its media type ("image/jpeg", ...) and bytes. */
public record Image(String mediaType, byte[] bytes) {}
