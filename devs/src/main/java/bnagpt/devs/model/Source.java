package bnagpt.devs.model;

/** A web page a search found and the answer used: shown as a link when its URL is http(s), as text otherwise. */
public record Source(String title, String url) {
    public Source {
        title = title == null ? "" : title;
        url = url == null ? "" : url;
    }
}
