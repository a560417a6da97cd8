// The JShell playground's start-up file: scripts/playground loads it, with the classes of
// chat.java on the class path, so everything public in chat.java answers to its short name.
import bnagpt.chat;
import bnagpt.chat.*;
import static bnagpt.chat.*;

System.out.println("""
        bnaGPT playground. Try ask("hi"), then ask("what did I just say?"): it remembers (forget() starts over).
        The stream parser alone: StreamParser.parse("data: {\\"choices\\":[{\\"delta\\":{\\"content\\":\\"Hi\\"}}]}\\n\\n".getBytes())
        Every class of 101s/chat.java is here by its short name: GroqClient, Message, Conversation, ... /exit leaves.""");
