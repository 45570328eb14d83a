from .cli import main

# Worker processes (forkserver/spawn) import the main module again; they must not run the command.
if __name__ == "__main__":
    main()
